"""The simulated market: the virtual clock and trading sessions, instruments, quotes and
option prices."""
