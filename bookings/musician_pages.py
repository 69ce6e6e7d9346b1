"""The musician's own page, behind a signed link: their sessions, open offers and settings.

Phone first. A GET only shows (link previews must never act); every change is a
CSRF-protected POST that redirects back (so a reload never repeats it). The link is
revoked by raising the musician's `page_version` (the admin's action); the old one then
shows "not found". Also here: Dane's two buttons on the booking page (take a musician
off the line-up; answer a musician), small POST views behind the admin login.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import available_timezones

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.links import absolute_url
from core.timefmt import format_session
from musicians.models import Musician, Weekday
from musicians.services import (
    musician_blackout_add,
    musician_blackout_remove,
    musician_profile_set,
    musician_window_add,
    musician_window_remove,
)
from scheduling.calendars.ids import musician_calendar_id
from scheduling.ics import FeedOwner, calendar_feed, feed_token
from scheduling.models import CalendarEvent

from .dropouts import DropOutError, fill_drop_out
from .forwarding import booked_fills, manager_reply_send
from .models import Booking, Fill, Offer
from .musician_links import musician_from_page_token
from .offers import offer_standing
from .texts import offer_link

ZONES = sorted(available_timezones())


@dataclass(frozen=True)
class Session:
    fill: Fill
    booking: Booking
    when: str
    band: list[str]  # "Bass - Bo": who else plays


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(choices=[(zone, zone) for zone in ZONES])
    quiet_hours_start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_hours_end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))


class BlackoutForm(forms.Form):
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "offers/not_found.html", status=404)


def _sessions(musician: Musician, now: dt.datetime) -> list[Session]:
    sessions = []
    for fill in booked_fills(musician, now):
        time = fill.candidate_time
        others = time.fills.exclude(pk=fill.pk).select_related("musician", "seat__instrument")
        sessions.append(
            Session(fill, time.booking, format_session(time.starts_at, time.ends_at, musician.time_zone),
                    [f"{other.seat} - {other.musician.name}" for other in others])
        )  # fmt: skip
    return sessions


def _open_offers(musician: Musician, now: dt.datetime) -> list[dict]:
    offers = Offer.objects.filter(musician=musician, status=Offer.Status.OPEN).select_related(
        "booking__studio", "seat__instrument", "candidate_time", "musician"
    )
    return [
        {"offer": offer, "when": format_session(offer.candidate_time.starts_at, offer.candidate_time.ends_at,
                                                musician.time_zone),
         "yes": offer_link(offer.token, "yes"), "no": offer_link(offer.token, "no")}
        for offer in offers.order_by("candidate_time__starts_at")
        if offer_standing(offer, now=now) == Offer.Status.OPEN
    ]  # fmt: skip


def _feed_url(musician: Musician) -> str:
    owner = FeedOwner("musician", musician.pk, musician.calendar_feed_version)
    return absolute_url(reverse("calendar-feed", args=[feed_token(owner)]))


@never_cache
@require_http_methods(["GET", "HEAD"])
def musician_page(request: HttpRequest, token: str) -> HttpResponse:
    musician = musician_from_page_token(token)
    if musician is None:
        return _not_found(request)
    now = timezone.now()
    profile = ProfileForm(initial={"time_zone": musician.time_zone, "quiet_hours_start": musician.quiet_hours_start,
                                   "quiet_hours_end": musician.quiet_hours_end})  # fmt: skip
    context = {
        "musician": musician, "token": token, "sessions": _sessions(musician, now),
        "offers": _open_offers(musician, now), "profile": profile, "blackout_form": BlackoutForm(),
        "window_form": WindowForm(), "blackouts": musician.blackouts.filter(ends_on__gte=now.date()),
        "windows": musician.weekly_availability.all(), "feed_url": _feed_url(musician),
    }  # fmt: skip
    return render(request, "musicians/page.html", context)


@never_cache
@require_POST
def musician_settings_page(request: HttpRequest, token: str) -> HttpResponse:
    """One POST per change, named by `action`; back to the page with what happened."""
    musician = musician_from_page_token(token)
    if musician is None:
        return _not_found(request)
    try:
        done = _settings_change(musician, request.POST)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        (messages.success if done else messages.error)(request, done or "Please check the form and try again.")
    return redirect("musician-page", token=token)


def _settings_change(musician: Musician, data: dict) -> str:
    action = data.get("action")
    if action == "profile" and (form := ProfileForm(data)).is_valid():
        musician_profile_set(musician=musician, time_zone=form.cleaned_data["time_zone"],
                             quiet_start=form.cleaned_data["quiet_hours_start"],
                             quiet_end=form.cleaned_data["quiet_hours_end"])  # fmt: skip
        return "Saved your time zone and quiet hours."
    if action == "add_blackout" and (blackout := BlackoutForm(data)).is_valid():
        musician_blackout_add(musician=musician, **blackout.cleaned_data)
        return "Added your days off: you won't be offered sessions then."
    if action == "add_window" and (window := WindowForm(data)).is_valid():
        musician_window_add(musician=musician, **window.cleaned_data)
        return "Added the weekly window."
    item = str(data.get("id", ""))
    if (
        action == "remove_blackout"
        and item.isdigit()
        and musician_blackout_remove(musician=musician, blackout_id=int(item))
    ):
        return "Removed the days off."
    if action == "remove_window" and item.isdigit() and musician_window_remove(musician=musician, window_id=int(item)):
        return "Removed the weekly window."
    return ""


def _session(token: str, booking_id: int) -> tuple[Musician, Session] | None:
    musician = musician_from_page_token(token)
    if musician is None:
        return None
    sessions = [s for s in _sessions(musician, timezone.now()) if s.booking.pk == booking_id]
    return (musician, sessions[0]) if sessions else None


@never_cache
@require_http_methods(["GET", "HEAD"])
def session_page(request: HttpRequest, token: str, booking_id: int) -> HttpResponse:
    found = _session(token, booking_id)
    if found is None:
        return _not_found(request)
    musician, session = found
    return render(request, "musicians/session.html", {"musician": musician, "session": session, "token": token})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def drop_out_page(request: HttpRequest, token: str, booking_id: int) -> HttpResponse:
    """GET asks "are you sure?"; only the POST drops them out."""
    found = _session(token, booking_id)
    if found is None:
        return _not_found(request)
    musician, session = found
    context = {"musician": musician, "session": session, "token": token}
    if request.method != "POST":
        return render(request, "musicians/drop_out.html", context)
    try:
        fill_drop_out(booking_id=booking_id, musician_id=musician.pk)
    except DropOutError as error:
        return render(request, "musicians/drop_out.html", {**context, "error": str(error)})
    return render(request, "musicians/dropped_out.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def session_ics(request: HttpRequest, token: str, booking_id: int) -> HttpResponse:
    """An .ics file for this one session ("Add to calendar")."""
    found = _session(token, booking_id)
    if found is None:
        return _not_found(request)
    musician, session = found
    time, booking = session.fill.candidate_time, session.booking
    event = CalendarEvent(
        uid=f"workflow-booking-{booking.pk}-seat-{session.fill.seat_id}",
        calendar_id=musician_calendar_id(musician_id=musician.pk, calendar_id=musician.calendar_id),
        starts_at=time.starts_at, ends_at=time.ends_at, updated_at=timezone.now(),
        summary=f"{booking.studio.name}: {booking.song_title or booking.client_name} ({session.fill.seat})",
        description="\n".join([*session.band, booking.mp3_url, booking.video_url, booking.notes]).strip(),
        location=booking.studio.address,
    )  # fmt: skip
    response = HttpResponse(calendar_feed(name=booking.studio.name, events=[event]), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="session-{booking.pk}.ics"'
    return response


# --- Dane's buttons on the booking page ---------------------------------------------


@staff_member_required
@require_POST
def manager_remove_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """POST musician=<id>: take them off the line-up (bookings.dropouts.fill_drop_out)."""
    musician_id = str(request.POST.get("musician", ""))
    try:
        if not musician_id.isdigit():
            raise DropOutError("Pick a musician.")
        fill_drop_out(booking_id=booking_id, musician_id=int(musician_id), actor=request.user.get_username())
    except DropOutError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Taken off the line-up; the seat is being filled again.")
    return redirect("dashboard-booking", booking_id=booking_id)


@staff_member_required
@require_POST
def manager_answer_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """POST musician=<id>, body=<text>: text the musician (bookings.forwarding.manager_reply_send)."""
    musician_id, body = str(request.POST.get("musician", "")), str(request.POST.get("body", ""))
    try:
        if not musician_id.isdigit():
            raise ValueError("Pick a musician.")
        manager_reply_send(booking_id=booking_id, musician_id=int(musician_id), body=body[:500],
                           actor=request.user.get_username())  # fmt: skip
    except (ValueError, Musician.DoesNotExist) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Sent.")
    return redirect("dashboard-booking", booking_id=booking_id)
