"""The public contract: the OpenAPI document the package ships, its routing and validation."""
