"""The booking page's long parts (its ranking, the assign-by-hand options, its timeline and texts table):
one tag each, not a dozen template nodes per musician, entry or text."""

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe

from bookings.selectors import Candidate, TextRow, TimelineEntry

register = template.Library()


@register.simple_tag
def ranking(candidates: list[Candidate]) -> SafeString:
    """A seat's ranked musicians as `<li>`s: name, standing (marked when booked or left out) and their answer.

    Plain string joins of escaped parts (what Django's `escape` does): `format_html` per musician
    cost more than the rest of the seat's card.
    """
    items = "".join(f"<li>{escape(c.name)} — {_standing(c)}{_answer(c)}</li>" for c in candidates)
    # Safe: every part escaped above.
    return mark_safe(items)  # noqa: S308  # nosec B308, B703


@register.simple_tag
def musician_options(assignable: list[tuple[int, str]]) -> SafeString:
    """The "Assign by hand" choices as `<option>`s: ~200 of them, one string join instead of a loop of nodes."""
    options = "".join(f'<option value="{pk}">{escape(name)}</option>' for pk, name in assignable)
    # Safe: the names escaped above and the ids are ints.
    return mark_safe(options)  # noqa: S308  # nosec B308, B703


@register.simple_tag
def timeline_items(entries: list[TimelineEntry]) -> SafeString:
    """The timeline's `<li>`s: when, what, and who when someone did it."""
    items = "".join(
        f'<li><span class="muted">{escape(e.when)}</span> {escape(e.what)}{f" — {escape(e.who)}" if e.who else ""}</li>'
        for e in entries
    )
    # Safe: every part escaped above.
    return mark_safe(items)  # noqa: S308  # nosec B308, B703


@register.simple_tag(takes_context=True)
def text_rows(context: template.Context, rows: list[TextRow], resend: str) -> SafeString:
    """The texts table's `<tr>`s; a failed text other than an offer gets a Resend form (posting to `resend`)."""
    csrf = CsrfTokenNode().render(context) if any(row.resendable for row in rows) else ""
    lines = "".join(_text_row(row, escape(resend), csrf) for row in rows)
    # Safe: every part escaped in _text_row.
    return mark_safe(lines)  # noqa: S308  # nosec B308, B703


def _text_row(row: TextRow, resend: str, csrf: str) -> str:
    delivery = escape(row.delivery)
    if row.failed:
        delivery = f'<span class="warn" title="{escape(row.message.error)}">failed: {delivery}</span>'
    form = ""
    if row.resendable:
        form = (
            f'<form class="inline" method="post" action="{resend}">{csrf}<input type="hidden" name="message" '
            f'value="{row.message.pk}"><button type="submit" class="button">Resend</button></form>'
        )
    return (
        f"\n    <tr><td>{escape(row.when)}</td><td>{escape(row.purpose)}</td><td>{escape(row.to)}</td>"
        f"<td>{escape(row.seat)}</td><td>{escape(row.option)}</td>\n"
        f"      <td>{delivery}{escape(row.answer)}</td>\n"
        f"      <td>{escape(row.answered)}</td>\n"
        f"      <td>{form}</td></tr>\n  "
    )


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
