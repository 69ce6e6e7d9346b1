"""The health checks: is each part the studio depends on really working right now?

Each check returns a `Check`; none raises, and none waits longer than
HEALTH_PING_TIMEOUT_SECONDS on a part that does not answer.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import DatabaseError, connection

from .celery import app as celery_app
from .heartbeats import RELAY, HeartbeatsUnreadable, heartbeats_stale


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check(False, f"unreachable: {exc}")
    return Check(True, "answers")


def check_broker() -> Check:
    timeout = settings.HEALTH_PING_TIMEOUT_SECONDS
    # Its own short socket timeouts: a broker host that drops packets must not hang /health.
    options = celery_app.conf.broker_transport_options | {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    try:
        with celery_app.connection_for_write(transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # kombu raises whatever its transport raises
        return Check(False, f"unreachable: {exc}")
    return Check(True, "answers")


def check_worker(*, node: str | None = None) -> Check:
    """A worker (or the one named `node`, like celery@host) answers a ping through the broker."""
    try:
        replies = celery_app.control.ping(
            destination=[node] if node else None, timeout=settings.HEALTH_PING_TIMEOUT_SECONDS, limit=1
        )
    except Exception as exc:  # the broker is down: the broker check says so too
        return Check(False, f"could not ask: {exc}")
    if not replies:
        return Check(False, f"no answer from {node or 'any worker'} in {settings.HEALTH_PING_TIMEOUT_SECONDS} s")
    return Check(True, f"{next(iter(replies[0]))} answered")


def check_heartbeat(name: str) -> Check:
    try:
        stale = heartbeats_stale(names=[name])
    except HeartbeatsUnreadable as exc:
        return Check(False, f"cannot read heartbeats: {exc}")
    if name not in stale:
        return Check(True, f"seen in the last {settings.HEALTH_STALE_MINUTES} minutes")
    last = stale[name]
    return Check(False, "never seen" if last is None else f"last seen {last:%Y-%m-%d %H:%M:%S} UTC")


def health_report() -> dict[str, dict[str, object]]:
    broker = check_broker()
    checks = {
        "database": check_database(),
        "broker": broker,
        # A ping travels through the broker: with it down, asking would only wait.
        "worker": check_worker() if broker.ok else Check(False, "not asked: the broker is down"),
        "relay": check_heartbeat(RELAY),
    }
    return {name: asdict(check) for name, check in checks.items()}
