"""`parse_order`: an order email's subject and bodies to a ParsedOrder, or every reason not;
`read_order_draft`: what could be read, and the reasons, for a person to complete.

Pure: no database, settings or network. The caller passes the clock (`now`), the
studio's zone and the instrument catalog.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from .durations import length_error, read_minutes
from .fields import read_fields
from .instruments import InstrumentCatalog
from .labels import LabelledText, add_subject, read_labels
from .markup import MAX_HTML_CHARS, read_html
from .result import MAX_ERRORS, MAX_WARNINGS, OrderDraft, OrderParseError, ParsedOrder, Window, capped_messages
from .seats import read_seats
from .text import clean_text, email_lines
from .windows import TimeContext, read_windows, unknown_zone_error
from .zones import iana_name, resolve_zone

NO_INSTRUMENTS = 'No instruments found: add a line like "Instruments: drums, bass".'
NO_TIMES = 'No candidate times found: add lines like "Saturday, December 5, 2026, 2-5pm".'
NO_LENGTH = 'No session length found; add a line like "Session length: 3 hours".'

_BODY_FROM = re.compile(r"^\W{0,2}from\W{0,2}:\W{0,2}", re.IGNORECASE)
_BODY_HEADER = re.compile(r"^\W{0,2}(?:subject|sent|date|to)\W{0,2}:", re.IGNORECASE)
_REPLY_PREFIXES = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg)\s*:\s*)+", re.IGNORECASE)


@dataclass
class _Problems:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_order(
    *,
    subject: str,
    body_plain: str,
    body_html: str,
    now: datetime,
    default_zone: str,
    catalog: InstrumentCatalog,
) -> ParsedOrder:
    """Read an order email. Raises OrderParseError (with every problem) if it cannot be booked.

    `now` must be timezone-aware: times before it are in the past. `default_zone` is the
    studio's IANA zone, used when the email names none.
    """
    draft = read_order_draft(
        subject=subject, body_plain=body_plain, body_html=body_html, now=now, default_zone=default_zone, catalog=catalog
    )
    if draft.errors:
        raise OrderParseError(draft.errors)
    return draft.order


def read_order_draft(
    *,
    subject: str,
    body_plain: str,
    body_html: str,
    now: datetime,
    default_zone: str,
    catalog: InstrumentCatalog,
) -> OrderDraft:
    """Everything `parse_order` could read, with its errors instead of raising them.

    For a person completing an order the parser refused: the seats and windows that did
    read are there even when others did not. Same arguments as `parse_order`.
    """
    if now.tzinfo is None:
        raise ValueError("parse_order needs an aware `now`.")
    problems = _Problems()
    labelled = _read_body(subject, body_plain, body_html, problems)
    zone_name = _email_zone(labelled, default_zone, problems)
    session_minutes = _session_minutes(labelled, problems)
    seats = read_seats(labelled.lines("instruments"), catalog)
    problems.errors.extend(seats.errors)
    problems.warnings.extend(seats.warnings)
    if not seats.seats and not seats.errors:
        problems.errors.append(NO_INSTRUMENTS)
    windows = _windows(labelled, TimeContext(now, zone_name, session_minutes), problems)
    fields = read_fields(labelled)
    problems.warnings.extend(fields.warnings)
    order = ParsedOrder(
        client_name=fields.client_name,
        client_email=fields.client_email,
        song_title=fields.song_title,
        seats=tuple(seats.seats),
        windows=tuple(windows),
        session_minutes=session_minutes,
        time_zone=zone_name,
        mp3_url=fields.mp3_url,
        video_url=fields.video_url,
        other_links=tuple(fields.other_links),
        notes="\n".join(filter(None, [fields.notes, *seats.instrument_notes])),
        warnings=tuple(capped_messages(problems.warnings, MAX_WARNINGS, "warnings")),
    )
    return OrderDraft(order, tuple(capped_messages(problems.errors, MAX_ERRORS, "problems")))


def html_as_text(body_html: str) -> str:
    """An HTML body as the lines the parser reads from it (tables, lists and breaks as lines)."""
    lines, _warnings = read_html(clean_text(body_html, MAX_HTML_CHARS, keep_tabs=True))
    return clean_text("\n".join(lines), keep_tabs=True)


def _read_body(subject: str, body_plain: str, body_html: str, problems: _Problems) -> LabelledText:
    """The labelled lines of the plain body if it has any, else of the HTML body."""
    plain_text = clean_text(body_plain, keep_tabs=True)
    plain_lines, plain_warnings = email_lines(plain_text)
    chosen, warnings, source = read_labels(plain_lines), plain_warnings, plain_text
    if not chosen.values and body_html.strip():
        html_lines, markup_warnings = read_html(clean_text(body_html, MAX_HTML_CHARS, keep_tabs=True))
        html_text = clean_text("\n".join(html_lines), keep_tabs=True)
        lines, html_warnings = email_lines(html_text)
        from_html = read_labels(lines)
        if from_html.values or not any(plain_lines):
            chosen, warnings, source = from_html, markup_warnings + html_warnings, html_text
    problems.warnings.extend(warnings + chosen.warnings)
    _add_body_sender(chosen, source)
    add_subject(chosen, _REPLY_PREFIXES.sub("", clean_text(subject, 1_000)).strip())
    return chosen


def _add_body_sender(labelled: LabelledText, text: str) -> None:
    """Contact Form 7's default mail starts `From: Jane Doe <jane@example.com>`, then `Subject: …`.

    That block is dropped with other header blocks (a forward's `Date:` must not read as
    a time), but its sender is the client who filled in the form: it names the client
    when the order itself has neither a name nor an email.
    """
    if "client" in labelled.values or "email" in labelled.values:
        return
    first, second = ([line.strip() for line in text.strip().splitlines()[:2]] + ["", ""])[:2]
    if _BODY_FROM.match(first) and _BODY_HEADER.match(second):
        labelled.values["client"] = [_BODY_FROM.sub("", first).strip()]
        labelled.written_labels["client"] = "From"


def _email_zone(labelled: LabelledText, default_zone: str, problems: _Problems) -> str:
    """The `Time zone:` line's zone, else one named by the times' label ("Times (Eastern)"), else the studio's."""
    written = labelled.first("zone")
    times_note = labelled.label_notes.get("times", "")
    if not written and times_note and resolve_zone(times_note):
        written = times_note
    named = resolve_zone(written) if written else None
    if written and named is None:
        problems.errors.append(unknown_zone_error(written))
    default = iana_name(default_zone)
    if default is None:
        problems.errors.append(unknown_zone_error(default_zone))
    return named or default or "UTC"


def _session_minutes(labelled: LabelledText, problems: _Problems) -> int | None:
    written = labelled.first("length")
    if not written:
        problems.warnings.append(NO_LENGTH)
        return None
    minutes = read_minutes(written)
    error = length_error(written, minutes)
    if error:
        problems.errors.append(error)
        return None
    return minutes


def _windows(labelled: LabelledText, context: TimeContext, problems: _Problems) -> list[Window]:
    """Usable windows. Bad lines stop the order only when no line gave a usable window."""
    lines = labelled.lines("times")
    reading = read_windows(lines, context)
    problems.errors.extend(reading.errors)
    problems.warnings.extend(reading.warnings)
    if reading.windows:
        problems.warnings.extend(reading.problems)
    elif reading.problems or reading.errors:
        problems.errors.extend(reading.problems)
    else:
        problems.errors.append(NO_TIMES)
    return reading.windows
