"""The public contract: the OpenAPI document the package ships, its routing and validation."""

from connecttrade_mock.contract.documents import (
    shipped_document,
)
from connecttrade_mock.contract.errors import (
    ContractError,
    ContractViolation,
    MethodNotAllowed,
    ResponseViolation,
    RouteNotFound,
)
from connecttrade_mock.contract.operation import (
    Operation,
    Parameter,
    RouteMatch,
    SecurityKind,
    ValidRequest,
)
from connecttrade_mock.contract.spec import (
    Contract,
)
from connecttrade_mock.contract.strict_json import (
    QuickParse,
    parse_json,
)
from connecttrade_mock.contract.validator import (
    SchemaValidator,
)

__all__ = [
    "Contract",
    "ContractError",
    "ContractViolation",
    "MethodNotAllowed",
    "Operation",
    "Parameter",
    "QuickParse",
    "ResponseViolation",
    "RouteMatch",
    "RouteNotFound",
    "SchemaValidator",
    "SecurityKind",
    "ValidRequest",
    "parse_json",
    "shipped_document",
]
