"""The pages behind the YES and NO links in an offer text.

A GET (or HEAD) only shows: phones and chat apps fetch links to draw previews,
and a preview must never answer for the musician. The button on the page POSTs
(CSRF-protected) and that records the answer.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bookings.answers import Answer, offer_answer
from bookings.offers import offer_state

from .models import Message
from .timefmt import format_session

TOKEN = re.compile(r"[\w-]{1,32}", re.ASCII)


def _offer(token: str) -> Message | None:
    if not TOKEN.fullmatch(token):
        return None  # not one of ours (and a NUL byte would not even reach PostgreSQL)
    return (
        Message.objects.filter(kind=Message.Kind.OFFER, token=token)
        .select_related("booking__studio", "seat__instrument", "candidate_time", "musician")
        .first()
    )


def _page(request: HttpRequest, template: str, offer: Message, **context: object) -> HttpResponse:
    _, _, time, musician = offer.offer_parts()
    session = format_session(time.starts_at, time.ends_at, musician.time_zone)  # the musician's own clock
    return render(request, template, {"offer": offer, "session": session, **context})


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "offers/not_found.html", status=404)


@require_http_methods(["GET", "HEAD"])
def offer_page(request: HttpRequest, token: str) -> HttpResponse:
    offer = _offer(token)
    if offer is None:
        return _not_found(request)
    return _page(request, "offers/offer.html", offer, state=offer_state(offer))


@require_http_methods(["GET", "HEAD", "POST"])
def offer_answer_page(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    offer = _offer(token)
    if offer is None:
        return _not_found(request)
    if request.method == "POST":
        result = offer_answer(offer_id=offer.pk, answer=Answer(answer))
        return _page(request, "offers/answered.html", result.offer, outcome=result.outcome)
    return _page(request, "offers/offer.html", offer, state=offer_state(offer), answer=answer)
