from enum import StrEnum


class Scope(StrEnum):
    READ = "read"
    TRADE = "trade"

    def __str__(self) -> str:
        return str(self.value)
