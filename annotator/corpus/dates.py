"""Published dates as corpus files give them, checked on import.

The search's --from and --to compare ``document.published`` as text, which orders ISO dates
correctly and nothing else: "2024-13-45" would sort after "2024-12" and fall inside a range,
"10.03.2014" before every year. So a value must be an ISO date the filters understand: YYYY,
YYYY-MM, YYYY-MM-DD, or a date with a time as feeds and databases write it
(2024-03-31T14:05:00Z, a space for the T, seconds, fraction and UTC offset optional), and it
must name a real day and time.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from annotator.errors import Errors, UserError

_ISO = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?P<time>[T ]\d{2}(?::\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?")


def is_published_date(value: str) -> bool:
    """True for an ISO date or date and time that names a real moment (see the module docstring)."""
    found = _ISO.fullmatch(value)
    if found is None:
        return False
    try:
        if found["time"]:
            datetime.fromisoformat(value)
        else:
            date(int(found["year"]), int(found["month"] or 1), int(found["day"] or 1))
    except ValueError:
        return False
    return True


def checked_published(value: str | None, where: str, field: str = "published") -> str | None:
    """The value to store for a record's published date: None when absent or blank, else the
    date without surrounding spaces; E342 (naming ``where`` and ``field``) when it is not one."""
    text = (value or "").strip()
    if not text:
        return None
    if not is_published_date(text):
        raise UserError(Errors.E342.format(where=where, field=field, value=text))
    return text
