from django.contrib import admin
from django.urls import include, path

from scheduling.views import calendar_feed_view

from . import views, webhooks

admin.site.site_header = "Workflow"
admin.site.site_title = "Workflow"
admin.site.index_title = "Bookings, musicians and texts"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("workflow/email", webhooks.email_webhook, name="email-webhook"),
    path("", include("messaging.urls")),
    path("calendar/<str:token>.ics", calendar_feed_view, name="calendar-feed"),
    path("admin/", admin.site.urls),
]
