from enum import StrEnum


class AccountType(StrEnum):
    CASH = "cash"
    MARGIN = "margin"

    def __str__(self) -> str:
        return str(self.value)
