"""The app under gunicorn, plus the floor views of bench/urls.py under `/bench/`.

The app's URLs are left alone: this handler sends those paths to bench.urls
instead, through the same Django middleware as every other request, so the floor
and the figure differ only by what the view does.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow.settings")

import django
from django.core.handlers.wsgi import WSGIHandler

django.setup(set_prefix=False)

FLOOR_PREFIX = "/bench/"


class BenchHandler(WSGIHandler):
    def get_response(self, request):
        if request.path_info.startswith(FLOOR_PREFIX):
            request.urlconf = "bench.urls"
        return super().get_response(request)


application = BenchHandler()
