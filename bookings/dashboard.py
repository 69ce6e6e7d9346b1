"""The manager's live dashboard, inside the admin: thin views over selectors and actions."""

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.timefmt import format_clock_seconds
from musicians.models import Instrument
from scheduling.services import studio_get_or_create_default

from . import manager
from .intake import OrderRefused, booking_create_by_hand, inbound_email_draft
from .models import Booking, InboundEmail
from .order_form import OrderForm, order_form_initial
from .parsing import html_as_text
from .selectors import board_bookings, booking_view

POLL_SECONDS = 3


def _context(request: HttpRequest, *, frame: bool = True, **extra: object) -> dict:
    """The page's context, with the admin's frame (header, sidebar and the apps it lists) for a whole page:
    the live refresh's fragment, every few seconds, shows none of it."""
    from django.contrib import admin

    return {**(admin.site.each_context(request) if frame else {}), "poll_seconds": POLL_SECONDS, **extra}


def _on_the_studio_clock(response: HttpResponse, zone: ZoneInfo) -> HttpResponse:
    """The live refresh says when it last updated on the studio's clock, not the browser's."""
    response["X-Studio-Clock"] = format_clock_seconds(timezone.now(), zone)
    return response


View = Callable[..., HttpResponse]


def needs(permission: str) -> Callable[[View], View]:
    """Refuse (403) a staff user without the model permission; the admin's own
    `admin_view` checks only that they are staff. Superusers hold every permission."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not request.user.has_perm(permission):
                raise PermissionDenied(f"You need the {permission} permission for this page.")
            return view(request, *args, **kwargs)

        return checked

    return decorate


@needs("bookings.view_booking")
def board(request: HttpRequest) -> HttpResponse:
    rows = board_bookings(now=timezone.now())
    fragment = bool(request.GET.get("fragment"))
    template = "dashboard/_board_rows.html" if fragment else "dashboard/board.html"
    zone = ZoneInfo(rows[0].time_zone if rows else settings.STUDIO_TIME_ZONE)
    context = _context(request, frame=not fragment, rows=rows, title="Bookings board")
    return _on_the_studio_clock(render(request, template, context), zone)


@needs("bookings.view_booking")
def booking_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    try:
        # ?all=1: the whole history of texts and timeline, not the latest few (the live refresh keeps it)
        view = booking_view(booking_id=booking_id, now=timezone.now(), whole_history=request.GET.get("all") == "1")
    except Booking.DoesNotExist:
        raise Http404("No such booking.") from None
    fragment = bool(request.GET.get("fragment"))
    template = "dashboard/_booking_live.html" if fragment else "dashboard/booking.html"
    context = _context(request, frame=not fragment, view=view, title=str(view.booking))
    return _on_the_studio_clock(render(request, template, context), view.booking.studio.zone)


def _actor(request: HttpRequest) -> str:
    return request.user.get_username() or "admin"


def _cancel(request: HttpRequest, booking_id: int) -> str:
    email_client = request.POST.get("email_client") == "1"  # Dane's choice on the cancel form
    manager.manager_cancel(booking_id=booking_id, actor=_actor(request), email_client=email_client)
    told = " and the client" if email_client else ""
    return f"Booking cancelled: everyone asked or booked{told} is being told."


def _escalate(request: HttpRequest, booking_id: int) -> str:
    manager.manager_escalate_now(booking_id=booking_id, actor=_actor(request))
    return "Moved on now."


def _pause(request: HttpRequest, booking_id: int) -> str:
    manager.manager_pause(booking_id=booking_id, actor=_actor(request), paused=True)
    return "Escalation paused."


def _resume(request: HttpRequest, booking_id: int) -> str:
    manager.manager_pause(booking_id=booking_id, actor=_actor(request), paused=False)
    return "Escalation resumed."


def _assign(request: HttpRequest, booking_id: int) -> str:
    seat, musician = int(request.POST["seat"]), int(request.POST["musician"])
    manager.manager_assign(booking_id=booking_id, seat_id=seat, musician_id=musician, actor=_actor(request))
    return "Seat assigned."


def _resend(request: HttpRequest, booking_id: int) -> str:
    manager.manager_resend(booking_id=booking_id, message_id=int(request.POST["message"]), actor=_actor(request))
    return "Text sent again."


ACTIONS: dict[str, Callable[[HttpRequest, int], str]] = {
    "cancel": _cancel,
    "escalate": _escalate,
    "pause": _pause,
    "resume": _resume,
    "assign": _assign,
    "resend": _resend,
}


@require_POST
@needs("bookings.change_booking")
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    get_object_or_404(Booking, pk=booking_id)  # bookings are never deleted: a missing one is a bad link
    back = HttpResponseRedirect(reverse("dashboard-booking", args=[booking_id]))
    if action not in ACTIONS:
        messages.error(request, f"Unknown action {action!r}.")
        return back
    try:
        messages.success(request, ACTIONS[action](request, booking_id))
    except manager.ActionRefused as refused:
        messages.error(request, str(refused))
    except (KeyError, ValueError):
        messages.error(request, "Pick what the action applies to first.")
    return back


@require_POST
@needs("bookings.change_booking")
def email_reparse(request: HttpRequest, inbound_email_id: int) -> HttpResponse:
    get_object_or_404(InboundEmail, pk=inbound_email_id)
    try:
        outcome = manager.manager_reparse(inbound_email_id=inbound_email_id, actor=_actor(request))
    except manager.ActionRefused as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(reverse("admin:bookings_inboundemail_change", args=[inbound_email_id]))
    if outcome.booking is None:
        messages.error(request, "Still cannot read it: " + " ".join(outcome.errors))
        return HttpResponseRedirect(reverse("admin:bookings_inboundemail_change", args=[inbound_email_id]))
    messages.success(request, "Read again: booking made.")
    return HttpResponseRedirect(reverse("dashboard-booking", args=[outcome.booking.pk]))


@needs("bookings.add_booking")
def order_new(request: HttpRequest) -> HttpResponse:
    """The order form: `?email=<id>` completes an email the parser refused, none types a phone order."""
    email = _email_to_complete(request)
    made = getattr(email, "booking", None)
    if made is not None:  # an old alert's link, or a second tab: the booking is already there
        messages.info(request, f"Email #{made.inbound_email_id} already made this booking.")
        return HttpResponseRedirect(reverse("dashboard-booking", args=[made.pk]))
    zone = studio_get_or_create_default().zone
    instruments = Instrument.objects.order_by("name")
    if request.method == "POST":
        form = OrderForm(request.POST, zone=zone, instruments=instruments)
        if form.is_valid():
            try:
                booking = booking_create_by_hand(
                    order=form.order(), actor=_actor(request), inbound_email_id=email.pk if email else None
                )
            except OrderRefused as refused:
                for error in refused.errors:
                    form.add_error(None, error)
            else:
                messages.success(request, "Booking made: the offers are going out.")
                return HttpResponseRedirect(reverse("dashboard-booking", args=[booking.pk]))
    else:
        form = _prefilled_form(email, zone, instruments)
    context = _context(request, form=form, email=email, zone=zone, title="Order by hand")
    if email is not None:
        context["email_html_text"] = html_as_text(email.body_html)
    return render(request, "dashboard/order_form.html", context)


def _email_to_complete(request: HttpRequest) -> InboundEmail | None:
    wanted = request.GET.get("email", "")
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404("No such email.")
    return get_object_or_404(InboundEmail.objects.select_related("booking"), pk=int(wanted))


def _prefilled_form(email: InboundEmail | None, zone: ZoneInfo, instruments: QuerySet[Instrument]) -> OrderForm:
    if email is None:
        return OrderForm(zone=zone, instruments=instruments)
    initial, rows = order_form_initial(inbound_email_draft(inbound_email=email), zone)
    initial["client_email"] = initial["client_email"] or email.sender  # as intake falls back to the sender
    return OrderForm(zone=zone, instruments=instruments, initial=initial, time_rows=rows)
