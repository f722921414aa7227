"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_options_level import AccountOptionsLevel
from .account_ref import AccountRef
from .account_type import AccountType
from .balance import Balance
from .broker_code import BrokerCode
from .connection_request import ConnectionRequest
from .connection_response import ConnectionResponse
from .connection_token import ConnectionToken
from .connection_type import ConnectionType
from .create_connection_request import CreateConnectionRequest
from .create_user_request import CreateUserRequest
from .create_user_token_request import CreateUserTokenRequest
from .crypto_order_request import CryptoOrderRequest
from .deleted import Deleted
from .equity_order_request import EquityOrderRequest
from .equity_side import EquitySide
from .error import Error
from .fill import Fill
from .future_order_request import FutureOrderRequest
from .instrument import Instrument
from .modify_order_request import ModifyOrderRequest
from .multi_leg_order_request import MultiLegOrderRequest
from .multi_leg_order_request_order_tif import MultiLegOrderRequestOrderTif
from .multi_leg_order_request_order_type import MultiLegOrderRequestOrderType
from .option_order_request import OptionOrderRequest
from .option_side import OptionSide
from .order import Order
from .order_leg import OrderLeg
from .order_leg_request import OrderLegRequest
from .order_page import OrderPage
from .order_side import OrderSide
from .order_status import OrderStatus
from .order_status_filter import OrderStatusFilter
from .order_type import OrderType
from .position import Position
from .scope import Scope
from .sort_order import SortOrder
from .time_in_force import TimeInForce
from .transaction import Transaction
from .transaction_page import TransactionPage
from .transaction_type import TransactionType
from .user import User
from .user_credentials import UserCredentials
from .user_token import UserToken

__all__ = (
    "Account",
    "AccountOptionsLevel",
    "AccountRef",
    "AccountType",
    "Balance",
    "BrokerCode",
    "ConnectionRequest",
    "ConnectionResponse",
    "ConnectionToken",
    "ConnectionType",
    "CreateConnectionRequest",
    "CreateUserRequest",
    "CreateUserTokenRequest",
    "CryptoOrderRequest",
    "Deleted",
    "EquityOrderRequest",
    "EquitySide",
    "Error",
    "Fill",
    "FutureOrderRequest",
    "Instrument",
    "ModifyOrderRequest",
    "MultiLegOrderRequest",
    "MultiLegOrderRequestOrderTif",
    "MultiLegOrderRequestOrderType",
    "OptionOrderRequest",
    "OptionSide",
    "Order",
    "OrderLeg",
    "OrderLegRequest",
    "OrderPage",
    "OrderSide",
    "OrderStatus",
    "OrderStatusFilter",
    "OrderType",
    "Position",
    "Scope",
    "SortOrder",
    "TimeInForce",
    "Transaction",
    "TransactionPage",
    "TransactionType",
    "User",
    "UserCredentials",
    "UserToken",
)
