"""The broker: accounts, orders and their lifecycle, the engine that works them, the
simulator that owns it all, and persistence."""
