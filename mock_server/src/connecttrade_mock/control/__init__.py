"""The control API (``/_mock``): drive the mock from tests; its own OpenAPI document ships here."""
