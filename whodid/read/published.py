"""A document's publication date, as feeds and tables write it: ISO 8601 (with or without a
time and zone), RFC 2822 ("Fri, 15 Mar 2024 10:00:00 GMT"), month names ("15 March 2024",
"March 15, 2024") and numeric day/month/year where only one reading is possible. The coder
resolves relative dates ("on Sunday") against it, so a value read wrongly dates events wrongly:
anything else is refused with a reason rather than guessed."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_TIME = r"(?:[T ,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AP]M)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                  r"(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_MONTH = re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})" + _TIME,
                        re.IGNORECASE)
_MONTH_DAY = re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+(\d{4})" + _TIME,
                        re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})" + _TIME)


def _date(year: int | str, month: int | str, day: int | str) -> dt.date | str:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        return f"not a real date ({exc})"


def _read(s: str) -> dt.date | str:
    """The date `s` names, or why it names none."""
    if m := _ISO.fullmatch(s):
        return _date(*m.groups())
    if m := _COMPACT.fullmatch(s):
        return _date(*m.groups())
    if m := _DAY_MONTH.fullmatch(s):
        return _date(m.group(3), _MONTHS[m.group(2).lower()], m.group(1))
    if m := _MONTH_DAY.fullmatch(s):
        return _date(m.group(3), _MONTHS[m.group(1).lower()], m.group(2))
    if m := _YEAR_FIRST.fullmatch(s):
        return _date(m.group(1), m.group(3), m.group(4))
    if m := _NUMERIC.fullmatch(s):
        a, b, year = int(m.group(1)), int(m.group(3)), m.group(4)
        if a > 12 >= b:
            return _date(year, b, a)
        if b > 12 >= a:
            return _date(year, a, b)
        if a == b:
            return _date(year, a, b)
        if a > 12 and b > 12:
            return "not a real date (neither number can be the month)"
        return (f"ambiguous: day {a} of month {b}, or month {a} day {b}; "
                "write it as YYYY-MM-DD")
    try:
        stamp = email.utils.parsedate_to_datetime(s)  # RFC 2822
    except (TypeError, ValueError, IndexError):
        stamp = None
    if stamp is not None:
        return stamp.date()
    return "not a date whodid reads (YYYY-MM-DD, ISO 8601, RFC 2822, '15 March 2024')"


def parse_published(value: object) -> tuple[str | None, str | None]:
    """(the date for the document, None), or (None, why the value was not understood).

    A full ISO date (with any time and zone after it) is kept as written, so that documents
    stored before keep their content keys; the other formats become YYYY-MM-DD. The date is
    the one written (the publisher's local date), not converted to UTC."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.date):  # a Python caller's date or datetime
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), None
    if not isinstance(value, str):
        return None, f"{type(value).__name__} {value!r}, not a date string"
    s = value.strip()
    found = _read(s)
    if isinstance(found, str):
        return None, f"{value!r}: {found}"
    if _ISO.fullmatch(s):
        return value, None
    return found.isoformat(), None
