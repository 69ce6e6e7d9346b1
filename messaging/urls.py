from django.urls import path, re_path

from . import views, webhooks

urlpatterns = [
    path("o/<str:token>", views.offer_page, name="offer"),
    re_path(r"^o/(?P<token>[\w-]+)/(?P<answer>yes|no)$", views.offer_answer_page, name="offer-answer"),
    path("messaging/vonage/status", webhooks.vonage_status, name="vonage-status"),
    path("messaging/vonage/inbound", webhooks.vonage_inbound, name="vonage-inbound"),
]
