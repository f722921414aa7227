from enum import StrEnum


class MultiLegOrderRequestOrderTif(StrEnum):
    DAY = "DAY"
    FOK = "FOK"
    GTC = "GTC"
    IOC = "IOC"

    def __str__(self) -> str:
        return str(self.value)
