"""Internals: one HTTP exchange and the two drivers that run the API's operations.

``calls`` is the sans-I/O vocabulary, ``endpoints`` every operation as a generator of
calls, ``protocol`` the rules of one exchange (retries, errors), and ``sync_driver`` /
``async_driver`` run them over httpx. Nothing here is public API.
"""
