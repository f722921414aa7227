"""Internals: the streams' wire protocol, sans-I/O (text and values in, values out).

Frames, subscriptions and their answers, sequence numbers, close-code policy and the
market-data token clock. Nothing here imports sockets, websockets, httpx or asyncio: the
import contracts in ``ergonomic/importlinter.ini`` keep it so.
"""
