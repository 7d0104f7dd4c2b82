"""Money as integer minor units plus an ISO 4217 currency code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Minor-unit exponents that differ from the usual 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3, "TND": 3}


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"currency must be a three-letter ISO code such as EUR, not {self.currency!r}")

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.minor + other.minor, self.currency)

    @property
    def exponent(self) -> int:
        """Digits after the decimal point: 2 for EUR, 0 for JPY."""
        return _EXPONENTS.get(self.currency, 2)

    @property
    def amount(self) -> Decimal:
        """The amount in whole units, exactly (45.00 for 4500 minor units of EUR)."""
        return Decimal(self.minor).scaleb(-self.exponent)

    @staticmethod
    def zero(currency: str) -> Money:
        return Money(0, currency)

    @staticmethod
    def total(amounts: list[Money], currency: str) -> Money:
        result = Money.zero(currency)
        for amount in amounts:
            result = result + amount
        return result

    def format(self) -> str:
        """A plain, locale-neutral rendering such as 'EUR 45.00'."""
        exp = _EXPONENTS.get(self.currency, 2)
        if exp == 0:
            return f"{self.currency} {self.minor}"
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**exp)
        return f"{sign}{self.currency} {whole}.{frac:0{exp}d}"
