"""The pages behind the YES and NO links in an offer text.

A GET (or HEAD) only shows: phones and chat apps fetch links to draw previews,
and a preview must never answer for the musician. The button on the page POSTs
(CSRF-protected): that stores the press (bookings.presses) and redirects (303) to
the offer's page, which says the answer is in and refreshes itself until a worker
has decided it, then shows what it did. Pages are never cached: each shows where
the offer stands now.
"""

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.timefmt import format_clock_seconds, format_session

from .answers import Answer, Outcome
from .models import Booking, Offer
from .offers import offer_standing
from .policy import policy_for
from .presses import offer_press, press_waiting

TOKEN = re.compile(r"[\w-]{1,32}", re.ASCII)
REFRESH_SECONDS = 1  # a page waiting for its press's decision reloads this often (no script: the CSP allows it)
# The status a decided press left its offer in; once the offer has moved on since, its page says where it stands.
LEFT_AS = {
    Outcome.ACCEPTED: Offer.Status.ACCEPTED,
    Outcome.DECLINED: Offer.Status.DECLINED,
    Outcome.CONFLICT: Offer.Status.DECLINED,
    Outcome.LATE: Offer.Status.LATE,
    Outcome.STANDBY: Offer.Status.STANDBY,
}


class SeeOther(HttpResponseRedirect):
    status_code = 303  # POST-redirect-GET: a reload of the page after it does not press again


def _offer(token: str) -> Offer | None:
    if not TOKEN.fullmatch(token):
        return None  # not one of ours (and a NUL byte would not even reach PostgreSQL)
    return (
        Offer.objects.filter(token=token)
        .select_related("booking__studio__fill_policy", "seat__instrument", "candidate_time", "musician")
        .first()
    )


def _page(request: HttpRequest, template: str, offer: Offer, **context: object) -> HttpResponse:
    time = offer.candidate_time
    session = format_session(time.starts_at, time.ends_at, offer.musician.time_zone)  # the musician's own clock
    return render(request, template, {"offer": offer, "session": session, **context})


def _can_stand_by(offer: Offer) -> bool:
    """The seat was taken, but on a policy with standby a YES still puts them first in line."""
    return (
        offer.status in (Offer.Status.OPEN, Offer.Status.VOIDED)
        and offer.booking.status in (Booking.Status.OFFERING, Booking.Status.CONFIRMED)
        and offer.candidate_time.starts_at > timezone.now()
        and policy_for(offer.booking.studio).standby
    )


def _shown(request: HttpRequest, offer: Offer, **context: object) -> HttpResponse:
    now = timezone.now()
    waiting = press_waiting(offer, now=now)
    if waiting is not None:  # pressed, not decided yet
        pressed_at = format_clock_seconds(offer.pressed_at, offer.musician.time_zone)  # type: ignore[arg-type]
        refresh = REFRESH_SECONDS if waiting == "checking" else None
        return _page(request, "offers/pressed.html", offer, waiting=waiting, pressed_at=pressed_at, refresh=refresh)
    if offer.press_outcome and _still_as_decided(offer):
        return _page(request, "offers/answered.html", offer, outcome=offer.press_outcome)
    state = offer_standing(offer, now=now)
    can_stand_by = state == Offer.Status.LATE and _can_stand_by(offer)
    return _page(request, "offers/offer.html", offer, state=state, can_stand_by=can_stand_by, **context)


def _still_as_decided(offer: Offer) -> bool:
    """The press's outcome still describes the offer: nothing moved it on since (a cancel, a drop-out)."""
    if offer.booking.status == Booking.Status.CANCELLED:
        return False
    left = LEFT_AS.get(Outcome(offer.press_outcome))
    return left is None or offer.status == left


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "offers/not_found.html", status=404)


@never_cache
@require_http_methods(["GET", "HEAD"])
def offer_page(request: HttpRequest, token: str) -> HttpResponse:
    offer = _offer(token)
    if offer is None:
        return _not_found(request)
    return _shown(request, offer)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def offer_answer_page(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    if request.method == "POST":
        # One statement stores the press (none if it was pressed before or is settled); a worker decides it.
        if not TOKEN.fullmatch(token) or offer_press(token=token, answer=Answer(answer)) is None:
            return _not_found(request)
        return SeeOther(reverse("offer", args=[token]))
    offer = _offer(token)
    if offer is None:
        return _not_found(request)
    return _shown(request, offer, answer=answer)
