from enum import StrEnum


class OrderStatusFilter(StrEnum):
    ALL = "all"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    EXPIRED = "expired"
    FILLED = "filled"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    PENDING = "pending"
    PENDING_CANCEL = "pending_cancel"
    PENDING_REPLACE = "pending_replace"
    REJECTED = "rejected"
    REPLACED = "replaced"
    WORKING = "working"

    def __str__(self) -> str:
        return str(self.value)
