from django.contrib import admin
from django.urls import path

from . import views, webhooks

admin.site.site_header = "Workflow"
admin.site.site_title = "Workflow"
admin.site.index_title = "Bookings, musicians and texts"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("workflow/email", webhooks.email_webhook, name="email-webhook"),
    path("admin/", admin.site.urls),
]
