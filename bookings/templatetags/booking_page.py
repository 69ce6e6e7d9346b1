"""The booking page's longest part, its ranking: one tag per seat, not a dozen template nodes per musician."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from bookings.selectors import Candidate

register = template.Library()


@register.simple_tag
def ranking(candidates: list[Candidate]) -> SafeString:
    """A seat's ranked musicians as `<li>`s: name, standing (marked when booked or left out) and their answer.

    Plain string joins of escaped parts (what Django's `escape` does): `format_html` per musician
    cost more than the rest of the seat's card.
    """
    items = "".join(f"<li>{escape(c.name)} — {_standing(c)}{_answer(c)}</li>" for c in candidates)
    return mark_safe(items)  # noqa: S308  # nosec B308 B703: every part escaped above


@register.simple_tag
def musician_options(assignable: list[tuple[int, str]]) -> SafeString:
    """The "Assign by hand" choices as `<option>`s: ~200 of them, one string join instead of a loop of nodes."""
    options = "".join(f'<option value="{pk}">{escape(name)}</option>' for pk, name in assignable)
    return mark_safe(options)  # noqa: S308  # nosec B308 B703: the names escaped above, the ids are ints


def _standing(candidate: Candidate) -> str:
    standing = escape(candidate.standing)
    if candidate.booked_here:
        return f'<strong class="booked">{standing}</strong>'
    if candidate.reason:
        return f'<span class="warn">{standing}</span>'
    return standing


def _answer(candidate: Candidate) -> str:
    if candidate.offer_status and not candidate.booked_here:
        return f" · <strong>{escape(candidate.offer_status)}</strong>"
    return ""
