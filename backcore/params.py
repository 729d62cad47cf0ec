"""Reading numbers from query strings and form fields without trusting them.

`str.isdigit()` is true for "²" and "١", which `int()` then refuses or reads as something else,
and an id beyond 64 bits overflows the database. Views read ids through `parse_id`, which
takes ASCII digits in a database id's range and nothing else, and forms use `IdField`.
"""

import re

from django import forms

MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(raw: object) -> int | None:
    """A positive database id from untrusted text, or None when it is anything else."""
    if not isinstance(raw, str) or not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


class IdField(forms.Field):
    """A form field holding a database id: ASCII digits in range, else a clear error."""

    default_error_messages = {"invalid": "That is not a valid id."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = parse_id(str(value).strip())
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
