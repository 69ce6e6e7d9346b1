import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow.settings")

application = get_wsgi_application()

from core.queueing import tasks_load  # noqa: E402 (after Django is set up; workflow/__init__ made the Celery app)

tasks_load()
