from enum import StrEnum


class OrderStatus(StrEnum):
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FILLED = "filled"
    PARTIALLY_FILLED = "partially_filled"
    PENDING = "pending"
    PENDING_CANCEL = "pending_cancel"
    PENDING_REPLACE = "pending_replace"
    REJECTED = "rejected"
    REPLACED = "replaced"
    WORKING = "working"

    def __str__(self) -> str:
        return str(self.value)
