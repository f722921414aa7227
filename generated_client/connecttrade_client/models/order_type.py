from enum import StrEnum


class OrderType(StrEnum):
    LMT = "LMT"
    MKT = "MKT"
    STP = "STP"
    STPLMT = "STPLMT"

    def __str__(self) -> str:
        return str(self.value)
