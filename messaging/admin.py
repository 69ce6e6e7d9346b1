from django.contrib import admin
from django.db.models import QuerySet

from .models import InboundText, Message


class MaybeSentFilter(admin.SimpleListFilter):
    title = "maybe sent"
    parameter_name = "maybe_sent"

    def lookups(self, request, model_admin):
        return [("yes", "Maybe sent: waiting for a receipt")]

    def queryset(self, request, queryset: QuerySet[Message]) -> QuerySet[Message]:
        if self.value() == "yes":
            return queryset.filter(status=Message.Status.QUEUED, outcome_unknown_at__isnull=False)
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Every text sent, with what became of it. Read-only: texts are sent by the workflow."""

    list_display = [
        "created_at", "purpose", "to_phone", "musician", "status", "maybe_sent", "attempts", "next_try_at", "sent_at",
    ]  # fmt: skip
    list_filter = ["purpose", "status", MaybeSentFilter]
    search_fields = ["to_phone", "body", "musician__name", "provider_id"]
    list_select_related = ["musician"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "purpose", "status", "maybe_sent", "to_phone", "body", "musician", "provider_id", "error", "attempts",
        "next_try_at", "send_after", "outcome_unknown_at", "created_at", "send_started_at", "sent_at", "delivered_at",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(boolean=True, description="maybe sent")
    def maybe_sent(self, message: Message) -> bool:
        """Vonage may have it (its answer was lost) and no receipt has said so yet."""
        return message.status == Message.Status.QUEUED and message.outcome_unknown_at is not None


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
