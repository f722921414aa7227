from enum import StrEnum


class OrderSide(StrEnum):
    BUY = "BUY"
    BUY_TO_CLOSE = "BUY_TO_CLOSE"
    BUY_TO_COVER = "BUY_TO_COVER"
    BUY_TO_OPEN = "BUY_TO_OPEN"
    SELL = "SELL"
    SELL_SHORT = "SELL_SHORT"
    SELL_TO_CLOSE = "SELL_TO_CLOSE"
    SELL_TO_OPEN = "SELL_TO_OPEN"

    def __str__(self) -> str:
        return str(self.value)
