"""The streaming contract, read from ``asyncapi.json``: close codes, frame parsing and the
validators of every frame in both directions.

Inbound frames are matched to their message by ``action`` (and, for market-data
subscriptions, by ``channel``) and checked with the same jsonschema-rs machinery and
messages as the REST contract (``contract.validator.SchemaValidator``), so an error frame names the
offending field. Outbound frames are matched by ``type`` within their channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Final

from connecttrade_mock.contract.documents import shipped_document
from connecttrade_mock.contract.spec import Contract
from connecttrade_mock.contract.validator import SchemaValidator

__all__ = [
    "MAX_FRAME_BYTES",
    "CloseCode",
    "ErrorCode",
    "FrameError",
    "StreamContract",
    "StreamKind",
    "parse_frame",
]

MAX_FRAME_BYTES: Final = 64 * 1024
"""Client frames above this size are refused with an error frame, unread (the session
stays open). Above ``server.WS_MAX_SIZE`` (1 MiB) the WebSocket layer closes with 1009."""


class StreamKind(StrEnum):
    """The two WebSocket APIs (and the channel names of the AsyncAPI document)."""

    BROKERAGE = "brokerage"
    MARKET_DATA = "market_data"

    @property
    def channel(self) -> str:
        return "brokerage" if self is StreamKind.BROKERAGE else "marketData"


class CloseCode(IntEnum):
    """The close codes of the channels' ``x-close-codes``."""

    NORMAL = 1000
    MESSAGE_TOO_BIG = 1009
    SERVER_ERROR = 1011
    SERVICE_RESTART = 1012
    PROTOCOL_ERROR = 4000
    AUTH_TIMEOUT = 4001
    BAD_CREDENTIALS = 4003
    SESSION_REPLACED = 4008
    SLOW_CONSUMER = 4009
    TOKEN_REVOKED = 4010


class ErrorCode(StrEnum):
    """The ``code`` of an error frame."""

    INVALID_MESSAGE = "invalid_message"
    UNKNOWN_ACTION = "unknown_action"
    NOT_AUTHENTICATED = "not_authenticated"
    ALREADY_AUTHENTICATED = "already_authenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - an error code, not a secret
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - an error code, not a secret
    UNKNOWN_SYMBOL = "unknown_symbol"
    UNKNOWN_CHANNEL = "unknown_channel"
    NOT_SUBSCRIBED = "not_subscribed"
    LIMIT_EXCEEDED = "limit_exceeded"
    NOT_ENTITLED = "not_entitled"
    INTERNAL_ERROR = "internal_error"


class FrameError(Exception):
    """A client frame the session refuses; ``close`` set means the session must end."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        close: CloseCode | None = None,
        **extra: object,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.close = close
        self.extra = extra
        """More fields of the error frame (the topics of a refused unsubscribe...)."""


@dataclass(frozen=True, slots=True)
class _Inbound:
    validator: SchemaValidator
    channels: frozenset[str]
    """The ``channel`` values a tagged message accepts (empty: the message has none)."""


class StreamContract:
    """Validators of every frame of both streams, built once from the AsyncAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        # The REST machinery compiles components/schemas and explains failures by field.
        self._schemas = Contract(document)
        self._inbound: dict[StreamKind, dict[str, _Inbound]] = {}
        self._outbound: dict[StreamKind, dict[str, SchemaValidator]] = {}
        for kind in StreamKind:
            self._inbound[kind] = {}
            self._outbound[kind] = {}
            for operation in document["operations"].values():
                if operation["channel"]["$ref"] != f"#/channels/{kind.channel}":
                    continue
                for ref in operation["messages"]:
                    schema_name = self._payload_name(ref["$ref"])
                    schema = document["components"]["schemas"][schema_name]
                    validator = self._schemas.schema_validator(schema_name)
                    if operation["action"] == "receive":
                        action, channels = self._tags(schema, "action")
                        self._inbound[kind][action] = _Inbound(validator, channels)
                    else:
                        message_type, _ = self._tags(schema, "type")
                        self._outbound[kind][message_type] = validator
        self.close_codes: dict[int, str] = {
            int(code): text
            for channel in document["channels"].values()
            for code, text in channel["x-close-codes"].items()
        }
        """Every close code either channel names (one text per code; the last one read)."""

    @classmethod
    def load(cls) -> StreamContract:
        """The document shipped in the package (or, in a source tree, ``openapi/``)."""
        return cls(json.loads(_document_bytes()))

    def _payload_name(self, message_ref: str) -> str:
        channel_message = _pointer(self.document, message_ref)
        message = _pointer(self.document, channel_message["$ref"])
        return str(message["payload"]["$ref"]).rsplit("/", 1)[-1]

    def _tags(self, schema: dict[str, Any], prop: str) -> tuple[str, frozenset[str]]:
        """The ``const`` of ``prop`` and, for a oneOf of variants, their ``channel`` consts."""
        variants = [
            _pointer(self.document, v["$ref"]) if "$ref" in v else v
            for v in schema.get("oneOf", [schema])
        ]
        tag = {str(v["properties"][prop]["const"]) for v in variants}
        if len(tag) != 1:
            raise ValueError(f"{schema.get('title')}: variants disagree on {prop}")
        channels = frozenset(
            str(v["properties"]["channel"]["const"])
            for v in variants
            if "const" in v["properties"].get("channel", {})
        )
        return tag.pop(), channels

    def actions(self, kind: StreamKind) -> tuple[str, ...]:
        """The actions a client of ``kind`` may send."""
        return tuple(self._inbound[kind])

    def check_request(self, kind: StreamKind, frame: dict[str, Any]) -> str:
        """The frame's action once the frame matches its message; else ``FrameError``."""
        action = frame.get("action")
        if "action" not in frame:
            raise FrameError(ErrorCode.INVALID_MESSAGE, "frame: missing required field 'action'")
        if not isinstance(action, str):
            raise FrameError(ErrorCode.INVALID_MESSAGE, "action: must be a string")
        inbound = self._inbound[kind].get(action)
        if inbound is None:
            known = ", ".join(self._inbound[kind])
            shown = json.dumps(action[:40])
            raise FrameError(ErrorCode.UNKNOWN_ACTION, f"action: {shown} is not one of {known}")
        channel = frame.get("channel")
        if inbound.channels and isinstance(channel, str) and channel not in inbound.channels:
            known = ", ".join(sorted(inbound.channels))
            shown = json.dumps(channel[:40])
            raise FrameError(ErrorCode.UNKNOWN_CHANNEL, f"channel: {shown} is not one of {known}")
        problem = inbound.validator.describe(frame, root="frame")
        if problem is not None:
            raise FrameError(ErrorCode.INVALID_MESSAGE, problem)
        return action

    def outbound_problem(self, kind: StreamKind, frame: dict[str, Any]) -> str | None:
        """None when ``frame`` is a valid server message of ``kind``, else what is wrong."""
        validator = self._outbound[kind].get(str(frame.get("type")))
        if validator is None:
            return f"type: {frame.get('type')!r} is not a message of the {kind.value} stream"
        return validator.describe(frame, root="frame")


def parse_frame(data: str | bytes | None) -> dict[str, Any]:
    """The JSON object of a text frame; ``FrameError`` (4000, or an error frame for an
    oversized one) otherwise."""
    if not isinstance(data, str):
        raise FrameError(
            ErrorCode.INVALID_MESSAGE,
            "binary frames are not part of the protocol; send JSON text",
            CloseCode.PROTOCOL_ERROR,
        )
    if len(data) > MAX_FRAME_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError(
            ErrorCode.INVALID_MESSAGE,
            f"frame: larger than the {MAX_FRAME_BYTES}-byte limit; nothing was read",
        )
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise FrameError(
            ErrorCode.INVALID_MESSAGE, "frame: not valid JSON", CloseCode.PROTOCOL_ERROR
        ) from None
    if not isinstance(value, dict):
        raise FrameError(
            ErrorCode.INVALID_MESSAGE, "frame: not a JSON object", CloseCode.PROTOCOL_ERROR
        )
    return value


def _refuse_constant(text: str) -> object:
    raise ValueError(f"{text} is not JSON")


def _pointer(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _document_bytes() -> bytes:
    return shipped_document("asyncapi.json")
