"""Times as people read them in a text: their own zone, with its abbreviation.

`Sat Dec 5, 2:00-5:00 PM EST`, `Sat Dec 5, 11:00 AM-2:00 PM EST`, and across a
DST change or midnight each end says what it needs to.
"""

import datetime as dt
from zoneinfo import ZoneInfo


def _clock(moment: dt.datetime, *, with_period: bool = True) -> str:
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d}"
    return f"{text} {moment:%p}" if with_period else text


def _day(moment: dt.datetime) -> str:
    return f"{moment:%a %b} {moment.day}"


def format_session(start: dt.datetime, end: dt.datetime, zone: ZoneInfo | str) -> str:
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    start_abbr, end_abbr = local_start.tzname(), local_end.tzname()
    day, begins, ends = _day(local_start), _clock(local_start), _clock(local_end)
    if local_start.date() != local_end.date() and not _is_midnight_end(local_start, local_end):
        return f"{day}, {begins} {start_abbr}-{_day(local_end)}, {ends} {end_abbr}"
    if start_abbr != end_abbr:  # a DST change inside the session
        return f"{day}, {begins} {start_abbr}-{ends} {end_abbr}"
    if f"{local_start:%p}" == f"{local_end:%p}" and not _is_midnight_end(local_start, local_end):
        begins = _clock(local_start, with_period=False)  # "2:00-5:00 PM", not "2:00 PM-5:00 PM"
    return f"{day}, {begins}-{ends} {end_abbr}"


def _is_midnight_end(local_start: dt.datetime, local_end: dt.datetime) -> bool:
    return local_end.time() == dt.time(0) and local_end.date() == local_start.date() + dt.timedelta(days=1)


def format_clock(moment: dt.datetime, zone: ZoneInfo | str) -> str:
    """`2:05 PM EST`: a time of day on someone's clock, for a moment close to now."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = moment.astimezone(zone)
    return f"{_clock(local)} {local.tzname()}"


def format_clock_seconds(moment: dt.datetime, zone: ZoneInfo | str) -> str:
    """`2:05:09 PM EST`: a clock that shows it is ticking."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = moment.astimezone(zone)
    return f"{local.hour % 12 or 12}:{local:%M:%S %p} {local.tzname()}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_stamp(moment: dt.datetime, zone: ZoneInfo) -> str:
    """`Nov 21 14:05:09`: when something in a record happened (Django's `date:"M j H:i:s"`), without
    the template filter's cost, for pages that list a hundred of them."""
    local = moment.astimezone(zone)
    return f"{_MONTHS[local.month - 1]} {local.day} {local:%H:%M:%S}"


def format_moment(moment: dt.datetime, zone: ZoneInfo | str) -> str:
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = moment.astimezone(zone)
    return f"{_day(local)}, {_clock(local)} {local.tzname()}"
