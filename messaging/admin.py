from django.contrib import admin

from .models import InboundText, Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Every text sent, with what became of it. Read-only: texts are sent by the workflow."""

    list_display = ["created_at", "purpose", "to_phone", "musician", "status", "attempts", "sent_at"]
    list_filter = ["purpose", "status"]
    search_fields = ["to_phone", "body", "musician__name", "provider_id"]
    list_select_related = ["musician"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "purpose", "status", "to_phone", "body", "musician", "provider_id", "error", "attempts",
        "created_at", "send_started_at", "sent_at", "delivered_at",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
