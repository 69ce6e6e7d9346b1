"""The board's page for one order email: where the webhook's answer (`url`) sends the manager.

The webhook answers before the booking exists (a worker makes it a moment later), so
its answer links here: once the booking is made this page redirects to it, until then
it says where the email is (being booked, not readable, failed) and refreshes itself.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .dashboard import needs
from .models import InboundEmail

REFRESH_SECONDS = 2


@needs("bookings.view_booking")
def email_page(request: HttpRequest, inbound_email_id: int) -> HttpResponse:
    email = get_object_or_404(InboundEmail.objects.select_related("booking"), pk=inbound_email_id)
    if email.duplicate_of_id is not None:  # a replay: the first copy is the one that books
        return HttpResponseRedirect(reverse("dashboard-email", args=[email.duplicate_of_id]))
    booking = getattr(email, "booking", None)
    if booking is not None:
        return HttpResponseRedirect(reverse("dashboard-booking", args=[booking.pk]))
    waiting = email.status in (InboundEmail.Status.RECEIVED, InboundEmail.Status.PARSED)
    context = {
        **admin.site.each_context(request),
        "email": email,
        "title": f"Order email #{email.pk}",
        "refresh_seconds": REFRESH_SECONDS if waiting else None,
    }
    return render(request, "dashboard/email.html", context)
