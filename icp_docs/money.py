"""Amounts of money as a reader sees them, the same on every page and on the printed sheet.

One compact form: the currency's symbol where it is unambiguous ("$", "€", "£", "¥", "₹"),
otherwise its ISO code ("CHF 5M"); whole amounts shortened with K, M, B or T ("$30M", "$1.5K");
ranges with an en dash between the ends ("$30M" to "$250M"), "€5M+" and "up to $2M". An amount
the short form would round ("$1,234,567") is shown in full rather than misquoted. Plain text:
the site's filters escape it.

Imports nothing of the package: the site's filters and the printed checklist both use it.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["DASH", "amount", "as_written", "money", "money_range"]

#: Between the two ends of a range, as typesetters write it.
DASH = "\u2013"

#: Currencies whose symbol no other common currency shares (the dollar alone means USD).
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

#: Largest first: the first unit an amount reaches is the one it is written in.
_UNITS = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"),
          (Decimal(10) ** 3, "K"))

#: From here on a unit would need a unit of its own ("1,000T"): the amount is shown in full.
_HUGE = Decimal(10) ** 15
#: A short amount keeps at most this many digits after the point ("1.25M"); more would be
#: harder to read than the full number.
_DECIMALS = 2


def _exact(value: int | float) -> Decimal:
    # A float by its shortest decimal (1e30 is 10**30, not the float's binary expansion); an
    # int exactly, however large.
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def as_written(value: int | float) -> str:
    """A count or amount as the spec wrote it, with thousands separators: an int exactly
    (10**400 too, which no float holds), a float by its shortest decimal (``1e30`` is
    1,000,...,000, not the float's 1,000,...,019,884,624,838,656; 1.5 stays 1.5)."""
    if isinstance(value, int):
        return f"{value:,}"  # not through Decimal: its context rounds to 28 digits
    return _grouped(Decimal(repr(value)))


def _grouped(value: Decimal) -> str:
    return format(value.normalize(), ",f")


def amount(value: int | float) -> str:
    """A bare amount, shortened when that loses nothing: 30000000 -> "30M", 1500 -> "1.5K",
    950 -> "950", 1234567 -> "1,234,567"."""
    exact = _exact(value)
    if exact >= _HUGE:
        return as_written(value)
    for unit, suffix in _UNITS:
        if exact >= unit:
            short = exact / unit
            if short == round(short, _DECIMALS):
                return _grouped(short) + suffix
            break
    return as_written(value)


def _with_currency(text: str, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def money(value: int | float | None, currency: str) -> str:
    """One amount with its currency: "$40K", "CHF 5M"; "" for none."""
    return "" if value is None else _with_currency(amount(value), currency)


def money_range(low: int | float | None, high: int | float | None, currency: str) -> str:
    """A range of money: "$30M" en dash "$250M", "€5M+", "up to $2M", "$3M" (both ends equal); "any"
    when neither end is given."""
    if low is not None and high is not None:
        if low == high:
            return money(low, currency)
        return f"{money(low, currency)}{DASH}{money(high, currency)}"
    if low is not None:
        return f"{money(low, currency)}+"
    if high is not None:
        return f"up to {money(high, currency)}"
    return "any"
