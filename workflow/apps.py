from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps


class StudioAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with our site (two-factor login when ADMIN_2FA is on)."""

    default = False  # named in INSTALLED_APPS; "workflow" itself stays WorkflowConfig

    default_site = "workflow.admin_site.StudioAdminSite"


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .error_reporting import error_reporting_start

        error_reporting_start()

        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            # kombu's folder transport neither creates its folder nor says why it fails.
            Path(settings.CELERY_BROKER_FOLDER).mkdir(parents=True, exist_ok=True)
