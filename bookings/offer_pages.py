"""The pages behind the YES and NO links in an offer text.

A GET (or HEAD) only shows: phones and chat apps fetch links to draw previews,
and a preview must never answer for the musician. The button on the page POSTs
(CSRF-protected) and that records the answer. Pages are never cached: each
shows where the offer stands now.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.timefmt import format_session

from .answers import Answer, offer_answer_by_token
from .models import Booking, Offer
from .offers import offer_standing
from .policy import policy_for

TOKEN = re.compile(r"[\w-]{1,32}", re.ASCII)


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
    state = offer_standing(offer, now=timezone.now())
    can_stand_by = state == Offer.Status.LATE and _can_stand_by(offer)
    return _page(request, "offers/offer.html", offer, state=state, can_stand_by=can_stand_by, **context)


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
        result = offer_answer_by_token(token=token, answer=Answer(answer)) if TOKEN.fullmatch(token) else None
        if result is None:
            return _not_found(request)
        return _page(request, "offers/answered.html", result.offer, outcome=result.outcome)
    offer = _offer(token)
    if offer is None:
        return _not_found(request)
    return _shown(request, offer, answer=answer)
