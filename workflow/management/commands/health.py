"""`python manage.py health --web|--worker|--beat`: the docker-compose healthchecks.

Exits 0 when the part is healthy, 1 when not, and prints why.
"""

import os
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from workflow.health import Check, check_heartbeat, check_worker
from workflow.heartbeats import BEAT


class Command(BaseCommand):
    help = "Check one part (web, worker or beat); exit 1 if it is not healthy."

    def add_arguments(self, parser: CommandParser) -> None:
        part = parser.add_mutually_exclusive_group(required=True)
        part.add_argument("--web", action="store_true", help="this container's web server answers /health")
        part.add_argument("--worker", action="store_true", help="this container's worker answers a ping")
        part.add_argument("--beat", action="store_true", help="Beat sent the relay lately")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"), help="the web server's port (--web)")
        parser.add_argument("--node", default=f"celery@{socket.gethostname()}", help="the worker's name (--worker)")

    def handle(self, *args: object, **options: object) -> None:
        if options["web"]:
            check = web_answers(port=str(options["port"]))
        elif options["worker"]:
            check = check_worker(node=str(options["node"]))
        else:
            check = check_heartbeat(BEAT)
        (self.stdout if check.ok else self.stderr).write(check.detail)
        if not check.ok:
            raise SystemExit(1)


def web_answers(*, port: str) -> Check:
    """GET /health on loopback as the public host, so ALLOWED_HOSTS accepts it as it is.

    A 503 still means the web server answers; what else is wrong is the other checks' news.
    """
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/health", headers={"Host": host})
    opener = urllib.request.build_opener(_RefuseRedirects)
    try:
        with opener.open(request, timeout=settings.HEALTH_PING_TIMEOUT_SECONDS + 5) as response:
            return Check(True, f"/health answered {response.status}")
    except urllib.error.HTTPError as error:
        return Check(error.code == 503, f"/health answered {error.code}")
    except OSError as exc:
        return Check(False, f"/health did not answer: {exc}")


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect (to https) means the health URL is not exempt: that is a failure, not a hop."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
