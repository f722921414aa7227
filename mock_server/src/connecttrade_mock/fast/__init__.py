"""Code that exists only for speed; ``connecttrade_mock.speedups`` is the one switch
that uses it."""
