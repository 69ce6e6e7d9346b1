"""The musicians' and the client's side of a booking on Dane's board (all of it read by the page's selector)."""

from typing import Any

from django import template

from bookings.models import Booking, ClientEmail, Fill, MusicianReply

register = template.Library()


@register.inclusion_tag("dashboard/_musicians_and_client.html", takes_context=True)
def musicians_and_client(
    context: dict[str, Any], booking: Booking, lineup: list[Fill], replies: list[MusicianReply],
    emails: list[ClientEmail],
) -> dict[str, Any]:  # fmt: skip
    """The line-up (`lineup`, to remove someone), the replies from musicians (to answer) and the client's emails."""
    senders = list({reply.musician_id: reply.musician for reply in replies}.values())
    return {
        "booking": booking, "lineup": lineup, "replies": replies, "senders": senders, "emails": emails,
        "csrf_token": context.get("csrf_token"),
    }  # fmt: skip
