"""The board's order form: the manager completes an order the parser refused, or types one
taken by phone. The form only reads what was typed into a ParsedOrder, the parser's own
result type; what may be booked is decided by intake (`booking_create_by_hand`)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from core.timefmt import format_session
from musicians.models import Instrument

from .parsing import (
    MAX_PER_INSTRUMENT,
    MAX_WINDOWS,
    OrderDraft,
    ParsedOrder,
    RequestedSeat,
    Window,
    describe_minutes,
    length_error,
    read_minutes,
)

# What a `datetime-local` input sends and shows: the wall clock, no zone.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
BLANK_TIME_ROWS = 3


def _local_input(**attrs: str) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format=LOCAL_INPUT)


class TimeRowForm(forms.Form):
    """One start/end the client can do, on the studio's clock. A row left empty is skipped."""

    starts_at = forms.DateTimeField(required=False, widget=_local_input(), input_formats=[LOCAL_INPUT])
    ends_at = forms.DateTimeField(required=False, widget=_local_input(), input_formats=[LOCAL_INPUT])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError("Give both the start and the end, or leave the row empty.")
        if start and end and end <= start:
            raise forms.ValidationError("The end must come after the start.")
        return cleaned


TimeRows = forms.formset_factory(
    TimeRowForm, extra=BLANK_TIME_ROWS, max_num=MAX_WINDOWS, absolute_max=MAX_WINDOWS, validate_max=True
)


class OrderForm(forms.Form):
    """Client, song, a count per instrument of the roster's catalog, times, length, links, notes.

    Times are read on the studio's clock (`zone`): Django makes a naive input aware in the
    current zone and refuses a wall time the zone skips or repeats on a DST change day,
    so validation runs with the studio's zone active.
    """

    client_name = forms.CharField(max_length=200)
    client_email = forms.EmailField(max_length=254, required=False)
    song_title = forms.CharField(max_length=300, required=False, label="Song")
    session_length = forms.CharField(
        max_length=60,
        required=False,
        help_text='Like "3 hours", "90 minutes" or "1:30". Empty: each time below is one session.',
    )
    mp3_url = forms.URLField(max_length=1000, required=False, label="MP3 link", assume_scheme="https")
    video_url = forms.URLField(max_length=1000, required=False, label="Video link", assume_scheme="https")
    other_links = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="One a line.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        zone: ZoneInfo,
        instruments: Iterable[Instrument],
        initial: dict[str, Any] | None = None,
        time_rows: Sequence[dict[str, str]] = (),
    ) -> None:
        super().__init__(data, initial=initial)
        self.zone = zone
        self.instruments = list(instruments)
        for instrument in self.instruments:
            self.fields[seat_field(instrument.slug)] = forms.IntegerField(
                label=instrument.name, min_value=0, max_value=MAX_PER_INSTRUMENT, required=False
            )
        self.times = TimeRows(data, prefix="times", initial=list(time_rows))

    def seat_fields(self) -> list[forms.BoundField]:
        return [self[seat_field(instrument.slug)] for instrument in self.instruments]

    def full_clean(self) -> None:
        with timezone.override(self.zone):
            super().full_clean()
            self.times.full_clean()

    def is_valid(self) -> bool:
        return super().is_valid() and self.times.is_valid()

    def clean_session_length(self) -> int | None:
        written = self.cleaned_data["session_length"].strip()
        if not written:
            return None
        error = length_error(written, read_minutes(written))
        if error:
            raise forms.ValidationError(error)
        return read_minutes(written)

    def clean_other_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["other_links"].splitlines() if line.strip()]
        check = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                check(link)
            except forms.ValidationError:
                raise forms.ValidationError(f'"{link[:80]}" is not a link (http:// or https://).') from None
        return links

    def order(self) -> ParsedOrder:
        """The order as typed (call after is_valid()): times in UTC, the studio's zone."""
        data = self.cleaned_data
        seats = tuple(
            RequestedSeat(instrument.slug, data[seat_field(instrument.slug)])
            for instrument in self.instruments
            if data.get(seat_field(instrument.slug))
        )
        return ParsedOrder(
            client_name=data["client_name"].strip(),
            client_email=data["client_email"],
            song_title=data["song_title"].strip(),
            seats=seats,
            windows=tuple(self._windows()),
            session_minutes=data["session_length"],
            time_zone=self.zone.key,
            mp3_url=data["mp3_url"],
            video_url=data["video_url"],
            other_links=tuple(data["other_links"]),
            notes=data["notes"].strip(),
            warnings=(),
        )

    def _windows(self) -> list[Window]:
        rows = [row.cleaned_data for row in self.times if row.cleaned_data.get("starts_at")]
        spans = sorted({(row["starts_at"].astimezone(dt.UTC), row["ends_at"].astimezone(dt.UTC)) for row in rows})
        return [Window(start, end, format_session(start, end, self.zone)) for start, end in spans]


def seat_field(slug: str) -> str:
    return f"seat_{slug}"


def order_form_initial(draft: OrderDraft, zone: ZoneInfo) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The form's first values from what the parser read, and one time row per window it read."""
    order = draft.order
    initial: dict[str, Any] = {
        "client_name": order.client_name,
        "client_email": order.client_email,
        "song_title": order.song_title,
        "session_length": describe_minutes(order.session_minutes) if order.session_minutes else "",
        "mp3_url": order.mp3_url,
        "video_url": order.video_url,
        "other_links": "\n".join(order.other_links),
        "notes": order.notes,
    }
    initial |= {seat_field(seat.instrument_slug): seat.count for seat in order.seats}
    # Shown as wall-clock text on the studio's clock, so rendering needs no active zone.
    rows = [
        {
            "starts_at": w.starts_at.astimezone(zone).strftime(LOCAL_INPUT),
            "ends_at": w.ends_at.astimezone(zone).strftime(LOCAL_INPUT),
        }
        for w in order.windows
    ]
    return initial, rows
