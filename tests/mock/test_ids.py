"""Ids and secrets: repeatable for a seed, unique, and made of the documented characters."""

from __future__ import annotations

import re
import string

from connecttrade_mock.broker.ids import IdFactory

_ID = re.compile(r"ord_[A-Za-z0-9]{10}")


def test_same_seed_issues_the_same_ids() -> None:
    first, second = IdFactory(7), IdFactory(7)
    assert [first.new("ord") for _ in range(50)] == [second.new("ord") for _ in range(50)]
    assert IdFactory(8).new("ord") != IdFactory(7).new("ord")


def test_ids_are_prefix_underscore_and_ten_letters_or_digits() -> None:
    ids = IdFactory(1)
    made = [ids.new("ord") for _ in range(2000)]
    assert all(_ID.fullmatch(made_id) for made_id in made)
    assert len(set(made)) == len(made)
    # Every letter and digit turns up: the whole alphabet is drawn from.
    assert set("".join(m[4:] for m in made)) == set(string.ascii_letters + string.digits)


def test_a_secret_has_24_characters_after_its_prefix() -> None:
    secret = IdFactory(3).secret("us")
    assert re.fullmatch(r"us_[A-Za-z0-9]{24}", secret)


def test_restored_state_resumes_the_same_sequence() -> None:
    ids = IdFactory(11)
    ids.new("ord")
    saved = ids.state()
    ahead = [ids.new("fill") for _ in range(5)]
    ids.restore(saved)
    assert [ids.new("fill") for _ in range(5)] == ahead
