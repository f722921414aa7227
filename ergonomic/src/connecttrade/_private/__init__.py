"""Internals of the connecttrade SDK: nothing here is public API."""
