from enum import StrEnum


class TransactionType(StrEnum):
    ADJUSTMENT = "adjustment"
    DEPOSIT = "deposit"
    DIVIDEND = "dividend"
    FEE = "fee"
    FILL = "fill"
    INTEREST = "interest"
    WITHDRAWAL = "withdrawal"

    def __str__(self) -> str:
        return str(self.value)
