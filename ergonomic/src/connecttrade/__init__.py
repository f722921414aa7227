"""connecttrade: the typed, exact, retry-safe Python SDK for the Connect Trade API."""

__version__ = "0.1.0"

__all__ = ["__version__"]
