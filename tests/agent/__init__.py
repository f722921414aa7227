"""The agent guard tests (a package, so its conftest has a unique module name)."""
