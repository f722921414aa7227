from enum import StrEnum


class EquitySide(StrEnum):
    BUY = "BUY"
    BUY_TO_COVER = "BUY_TO_COVER"
    SELL = "SELL"
    SELL_SHORT = "SELL_SHORT"

    def __str__(self) -> str:
        return str(self.value)
