"""Internals: typed, checked reads of the API's JSON into :mod:`connecttrade.types` values.

Shared by the REST layer and the stream protocol; free of I/O. Nothing here is public API.
"""
