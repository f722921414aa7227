"""connecttrade_mock: a stateful, contract-validated offline mock of the Connect Trade API."""

__version__ = "0.1.0"

__all__ = ["__version__"]
