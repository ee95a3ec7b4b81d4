"""What a spreadsheet displays for a number under a fixed-decimals format (``0.0``, ``0%``),
written here on its own so that tests can hold every output to it: the number is read at 15
significant digits, then rounded to the format's decimals with halves away from zero."""

from __future__ import annotations


def shown(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals as Excel or LibreOffice display it (no grouping, no -0)."""
    mantissa, exponent = f"{abs(x):.14e}".split("e")
    n = int(mantissa.replace(".", ""))  # 15 significant digits: x = n * 10**e
    k = int(exponent) - 14 + digits  # x in units of the last decimal shown: n * 10**k
    if k >= 0:
        units = n * 10**k
    else:
        whole, rest = divmod(n, 10**-k)
        units = whole + (1 if 2 * rest >= 10**-k else 0)
    text = str(units).rjust(digits + 1, "0")
    if digits:
        text = f"{text[:-digits]}.{text[-digits:]}"
    return f"-{text}" if x < 0 and units else text
