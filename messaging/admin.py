from django.contrib import admin

from .models import InboundText, Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "to_phone",
        "musician",
        "booking",
        "seat",
        "option",
        "status",
        "sent_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["to_phone", "body", "musician__name", "provider_id", "booking__client_name"]
    list_select_related = ["musician", "booking", "seat__instrument"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind", "status", "to_phone", "body", "musician", "booking", "candidate_time", "seat", "option",
        "inbound_email", "provider_id", "error", "created_at", "send_started_at", "sent_at",
        "delivered_at", "answered_at",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # texts are sent by the workflow, not typed in the admin


@admin.register(InboundText)
class InboundTextAdmin(admin.ModelAdmin):
    """Every text musicians sent to the studio's number, with what it did. Read-only."""

    list_display = ["received_at", "from_phone", "musician", "text", "outcome"]
    search_fields = ["from_phone", "text", "musician__name", "provider_id"]
    list_select_related = ["musician"]
    date_hierarchy = "received_at"
    readonly_fields = ["received_at", "provider_id", "from_phone", "musician", "text", "outcome", "params"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
