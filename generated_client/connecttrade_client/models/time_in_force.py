from enum import StrEnum


class TimeInForce(StrEnum):
    CLOSE = "CLOSE"
    DAY = "DAY"
    DAY_PLUS = "DAY+"
    FOK = "FOK"
    GTC = "GTC"
    GTC_PLUS = "GTC+"
    IOC = "IOC"
    OPEN = "OPEN"

    def __str__(self) -> str:
        return str(self.value)
