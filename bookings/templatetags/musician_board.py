"""The musicians' and the client's side of a booking on Dane's board, in two queries (the line-up comes read)."""

from typing import Any

from django import template

from bookings.models import Booking, Fill

register = template.Library()


@register.inclusion_tag("dashboard/_musicians_and_client.html", takes_context=True)
def musicians_and_client(context: dict[str, Any], booking: Booking, lineup: list[Fill]) -> dict[str, Any]:
    """The line-up (`lineup`, to remove someone), the replies from musicians (to answer) and the client's emails."""
    replies = list(booking.replies.select_related("musician"))
    senders = list({reply.musician_id: reply.musician for reply in replies}.values())
    return {
        "booking": booking, "lineup": lineup, "replies": replies, "senders": senders,
        "emails": list(booking.client_emails.all()), "csrf_token": context.get("csrf_token"),
    }  # fmt: skip
