"""The two WebSocket streams: brokerage events and market data."""
