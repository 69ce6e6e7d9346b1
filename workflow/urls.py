from django.contrib import admin
from django.urls import include, path

from bookings import dashboard, email_page
from scheduling.views import calendar_feed_view

from . import views, webhooks

admin.site.site_header = "Workflow"
admin.site.site_title = "Workflow"
admin.site.index_title = "Bookings, musicians and texts"
admin.site.site_url = "/admin/board/"  # the header's "View site" opens the live board

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("health", views.health, name="health"),
    path("workflow/email", webhooks.email_webhook, name="email-webhook"),
    path("", include("bookings.urls")),
    path("", include("messaging.urls")),
    path("calendar/<str:token>.ics", calendar_feed_view, name="calendar-feed"),
    path("admin/board/", admin.site.admin_view(dashboard.board), name="dashboard-board"),
    path("admin/board/banner", admin.site.admin_view(views.board_banner), name="dashboard-banner"),
    path("admin/board/orders/new", admin.site.admin_view(dashboard.order_new), name="dashboard-order-new"),
    path("admin/board/<int:booking_id>/", admin.site.admin_view(dashboard.booking_page), name="dashboard-booking"),
    path(
        "admin/board/<int:booking_id>/<str:action>",
        admin.site.admin_view(dashboard.booking_action),
        name="dashboard-action",
    ),
    path(
        "admin/board/emails/<int:inbound_email_id>/",
        admin.site.admin_view(email_page.email_page),
        name="dashboard-email",
    ),
    path(
        "admin/emails/<int:inbound_email_id>/read-again",
        admin.site.admin_view(dashboard.email_reparse),
        name="dashboard-reparse",
    ),
    path("admin/", admin.site.urls),
]
