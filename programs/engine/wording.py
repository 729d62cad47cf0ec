"""Plain-language pieces for reasons shown to members as is."""

from __future__ import annotations

from datetime import date

from programs.engine.types import Dose

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def out_of_ten(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}/10"
    return f"{value:.1f}/10"


def describe_unit(dose: Dose) -> str:
    """The one number members watch grow: "20 s" or "8 reps"."""
    return f"{dose.unit} s" if dose.is_hold else plural(dose.unit, "rep")


def describe_dose(dose: Dose, *, per_side: bool = False) -> str:
    side = " per side" if per_side else ""
    return f"{describe_unit(dose)} × {plural(dose.sets, 'set')}{side}"
