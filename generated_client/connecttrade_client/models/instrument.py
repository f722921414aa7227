from enum import StrEnum


class Instrument(StrEnum):
    CRYPTO = "CRYPTO"
    FUT = "FUT"
    MLEG_OPT = "MLEG_OPT"
    OPT = "OPT"
    STK = "STK"

    def __str__(self) -> str:
        return str(self.value)
