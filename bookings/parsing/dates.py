"""Calendar dates as clients write them: `Saturday, December 5, 2026`, `12/5`, `2026-12-05`."""

import re
from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Years a studio booking could mean; anything else is a typo, and keeps date arithmetic in range.
_YEARS = range(1900, 2201)
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# Most specific first; each expects lower-case text.
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<month>\d{1,2})-(?P<day>\d{1,2})-(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s,]+{_MONTH}(?:[\s,]+(?P<year>\d{{4}})\b)?"),
    re.compile(rf"\b{_MONTH}[\s,]*(?P<day>\d{{1,2}}){_ORDINAL}\b(?:[\s,]+(?P<year>\d{{4}})\b)?"),
)
_WEEKDAY = re.compile(
    r"\b(monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu"
    r"|friday|fri|saturday|sat|sunday|sun)\b\.?"
)
_WEEKDAY_INDEX = {name[:3].lower(): index for index, name in enumerate(WEEKDAY_NAMES)}


class Unreadable(Exception):
    """This line cannot be read as a time."""


def describe_date(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]}, {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def take_date(text: str, today: date) -> tuple[date | None, str]:
    """The one date in lower-case `text` (None if there is none) and the text without it.

    A date without a year is its next occurrence on or after `today`. Raises Unreadable
    for an impossible date or a second date on the same line.
    """
    match = _first_date(text)
    if match is None:
        return None, text
    rest = text[: match.start()] + " " + text[match.end() :]
    if _first_date(rest):
        raise Unreadable("two dates on one line")
    return _date_from(match, today), rest


def _first_date(text: str) -> re.Match[str] | None:
    return next((match for pattern in _DATE_PATTERNS if (match := pattern.search(text))), None)


def _date_from(match: re.Match[str], today: date) -> date:
    month_text, day = match.group("month"), int(match.group("day"))
    month = int(month_text) if month_text.isdigit() else _month_number(month_text)
    year_text = match.group("year")
    if year_text is None:
        return _next_occurrence(month, day, today)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if year not in _YEARS:
        raise Unreadable("year out of range")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise Unreadable(str(error)) from error


def _month_number(text: str) -> int:
    return next(index for index, name in enumerate(MONTH_NAMES, 1) if name.lower().startswith(text[:3]))


def _next_occurrence(month: int, day: int, today: date) -> date:
    # Nine years cover February 29 after a skipped leap year (2096 -> 2104).
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise Unreadable("no such date")


def take_weekday(text: str) -> tuple[int | None, str]:
    """The weekday named in lower-case `text` (0 = Monday), and the text without weekday names."""
    match = _WEEKDAY.search(text)
    weekday = _WEEKDAY_INDEX[match.group(1)[:3]] if match else None
    return weekday, _WEEKDAY.sub(" ", text)
