from enum import StrEnum


class MultiLegOrderRequestOrderType(StrEnum):
    LMT = "LMT"
    MKT = "MKT"

    def __str__(self) -> str:
        return str(self.value)
