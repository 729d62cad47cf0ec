"""Money rules in integer minor units (cents, pence). Pure Python: no Django, no database."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Stripe's smallest charge per currency, in minor units (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
MINIMUM_MINOR: dict[str, int] = {
    "usd": 50,
    "eur": 50,
    "gbp": 30,
    "aud": 50,
    "cad": 50,
    "chf": 50,
    "nzd": 50,
    "sgd": 50,
    "dkk": 250,
    "nok": 300,
    "sek": 300,
    "pln": 200,
    "czk": 1500,
    "huf": 17500,
    "jpy": 50,
    "mxn": 1000,
    "inr": 50,
    "hkd": 400,
}
DEFAULT_MINIMUM_MINOR = 50
MAXIMUM_MINOR = 1_000_000  # 10,000.00 in two-decimal currencies

ZERO_DECIMAL = {
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "ugx",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
}

SYMBOLS = {
    "usd": "$",
    "eur": "€",
    "gbp": "£",
    "aud": "A$",
    "cad": "C$",
    "nzd": "NZ$",
    "jpy": "¥",
    "inr": "₹",
}


def decimals(currency: str) -> int:
    return 0 if currency.lower() in ZERO_DECIMAL else 2


def minimum_minor(currency: str) -> int:
    return MINIMUM_MINOR.get(currency.lower(), DEFAULT_MINIMUM_MINOR)


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Major units (as typed by a person) → integer minor units. Raises ValueError on nonsense."""
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError("Enter an amount such as 15 or 7.50.") from exc
    if not value.is_finite():
        raise ValueError("Enter an amount such as 15 or 7.50.")
    scaled = value.scaleb(decimals(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(
            "Use at most two decimal places." if decimals(currency) else "Use whole numbers."
        )
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def format_minor(amount_minor: int, currency: str) -> str:
    places = decimals(currency)
    major = Decimal(amount_minor).scaleb(-places)
    number = f"{major:,.{places}f}"
    if places and number.endswith(".00"):
        number = number[:-3]
    symbol = SYMBOLS.get(currency.lower())
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def amount_error(amount_minor: int, currency: str) -> str | None:
    """Why an amount cannot be charged, or None. Zero is always allowed: it joins without paying."""
    if amount_minor < 0:
        return "The amount cannot be negative."
    if amount_minor == 0:
        return None
    low = minimum_minor(currency)
    if amount_minor < low:
        return (
            f"Card payments in {currency.upper()} start at {format_minor(low, currency)}. "
            "Choose at least that, or 0 to join without paying."
        )
    if amount_minor > MAXIMUM_MINOR:
        return f"The most we accept at once is {format_minor(MAXIMUM_MINOR, currency)}. Thank you!"
    return None


def major_str(amount_minor: int, currency: str) -> str:
    """Minor units → the plain number a person would type back in (1500 → "15.00")."""
    places = decimals(currency)
    return f"{Decimal(amount_minor).scaleb(-places):.{places}f}"
