from enum import StrEnum


class ConnectionType(StrEnum):
    READONLY = "readonly"
    TRADE = "trade"

    def __str__(self) -> str:
        return str(self.value)
