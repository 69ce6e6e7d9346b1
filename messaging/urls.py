from django.urls import path

from . import webhooks

urlpatterns = [
    path("messaging/vonage/status", webhooks.vonage_status, name="vonage-status"),
    path("messaging/vonage/inbound", webhooks.vonage_inbound, name="vonage-inbound"),
]
