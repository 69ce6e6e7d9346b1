from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .manager import ActionRefused, manager_calendars_write_again, manager_cancel
from .models import Booking, CandidateTime, Fill, InboundEmail, Offer, RequestedWindow, Seat

INBOUND_EMAIL_FIELDS = (
    "received_at", "status", "booking_link", "duplicate_of", "errors", "subject", "sender",
    "message_id", "dedupe_key", "content_type", "headers", "raw_body", "body_plain",
    "body_html", "parse_result",
)  # fmt: skip
OFFER_INLINE_FIELDS = ("created_at", "seat", "candidate_time", "musician", "status", "answered_at", "message")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RequestedWindowInline(ReadOnlyInline):
    model = RequestedWindow


class CandidateTimeInline(ReadOnlyInline):
    model = CandidateTime


class SeatInline(ReadOnlyInline):
    model = Seat


class FillInline(ReadOnlyInline):
    model = Fill
    fk_name = "candidate_time"


class OfferInline(ReadOnlyInline):
    model = Offer
    fields = OFFER_INLINE_FIELDS
    readonly_fields = OFFER_INLINE_FIELDS
    ordering = ["created_at", "pk"]


def _done(action, booking_id: int, request: HttpRequest) -> bool:
    """Run a manager's action as the admin user; a refusal (already cancelled…) counts as not done."""
    try:
        action(booking_id=booking_id, actor=request.user.get_username() or "admin")
    except ActionRefused:
        return False
    return True


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["id", "client_name", "song_title", "status", "seat_count", "calendar_sync", "created_at"]
    list_display_links = ["id", "client_name"]
    list_filter = ["status", "calendar_sync", "studio"]
    search_fields = ["client_name", "client_email", "song_title", "notes"]
    date_hierarchy = "created_at"
    # What the client wrote may be corrected here; everything the engine owns is read-only:
    # state changes go through their services (the board's actions, or the actions below).
    CLIENT_FIELDS = ("client_name", "client_email", "song_title", "mp3_url", "video_url", "other_links", "notes")
    readonly_fields = [
        "studio", "inbound_email", "status", "current_time", "time_zone", "session_minutes", "planned_at",
        "last_offer_at", "next_step_at", "escalation_paused", "attention_reason", "plan_failures", "plan_error",
        "confirmed_at", "confirmation_sent_at", "confirmation_failures", "confirmation_error",
        "calendar_sync", "calendar_error", "calendar_sync_attempts", "calendar_sync_queued_at", "created_at",
    ]  # fmt: skip
    fields = [*CLIENT_FIELDS, *readonly_fields]
    inlines = [SeatInline, RequestedWindowInline, CandidateTimeInline, OfferInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["cancel_bookings", "write_calendars_again"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # bookings come from order emails, or the board's order form

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a booking is cancelled (everyone told, calendars cleared), never deleted

    @admin.action(description="Cancel the selected bookings (tells everyone asked or booked)")
    def cancel_bookings(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        cancelled = sum(_done(manager_cancel, pk, request) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{cancelled} booking(s) cancelled.")

    @admin.action(description="Write the calendars of the selected bookings again (failed syncs)")
    def write_calendars_again(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        written = sum(_done(manager_calendars_write_again, pk, request) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"Writing the calendars of {written} booking(s) again.")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booking]:
        return super().get_queryset(request).annotate(seat_count=Count("seats"))

    @admin.display(description="seats", ordering="seat_count")
    def seat_count(self, booking: Booking) -> int:
        return booking.seat_count  # type: ignore[attr-defined]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every call to the webhook, as received. Read-only and never deleted."""

    list_display = ["id", "received_at", "subject", "sender", "status", "booking_link"]
    list_filter = ["status"]
    search_fields = ["subject", "sender", "message_id", "body_plain"]
    date_hierarchy = "received_at"
    list_select_related = ["booking"]
    fields = INBOUND_EMAIL_FIELDS
    readonly_fields = INBOUND_EMAIL_FIELDS

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="raw body")
    def raw_body(self, email: InboundEmail) -> str:
        return bytes(email.body).decode("utf-8", errors="replace")

    @admin.display(description="booking")
    def booking_link(self, email: InboundEmail) -> str:
        booking = getattr(email, "booking", None)
        if booking is None:
            return "-"
        url = reverse("admin:bookings_booking_change", args=[booking.pk])
        return format_html('<a href="{}">{}</a>', url, booking)


@admin.register(CandidateTime)
class CandidateTimeAdmin(admin.ModelAdmin):
    list_display = ["booking", "rank", "starts_at", "ends_at", "in_business_hours"]
    list_filter = ["in_business_hours"]
    list_select_related = ["booking"]
    search_fields = ["booking__client_name"]
    inlines = [FillInline]


@admin.register(RequestedWindow)
class RequestedWindowAdmin(admin.ModelAdmin):
    list_display = ["booking", "starts_at", "ends_at", "source_line"]
    list_select_related = ["booking"]
    search_fields = ["booking__client_name", "source_line"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["booking", "instrument", "number"]
    list_filter = ["instrument"]
    list_select_related = ["booking", "instrument"]
    search_fields = ["booking__client_name", "instrument__name"]


@admin.register(Fill)
class FillAdmin(admin.ModelAdmin):
    list_display = ["seat", "candidate_time", "musician", "filled_at"]
    list_select_related = ["seat__instrument", "seat__booking", "candidate_time", "musician"]
    search_fields = ["musician__name", "seat__booking__client_name"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Every seat asked of a musician, with its answer. Read-only: musicians answer, not the admin."""

    list_display = ["created_at", "booking", "seat", "candidate_time", "musician", "status", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["booking", "seat__instrument", "candidate_time", "musician"]
    search_fields = ["musician__name", "booking__client_name", "token"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "booking", "seat", "candidate_time", "musician", "token", "status", "message", "created_at", "answered_at",
        "pressed_answer", "pressed_at", "press_outcome", "press_decided_at", "press_failures", "press_error",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False
