"""A web process pays its first-use costs when it starts, not on its first webhook.

Django fills its URL resolver, Celery imports the apps' task modules (running Django's
system checks first, as its Django fixup does), kombu loads its Redis transport and the
result backend, and the order parser compiles its patterns: each on first use. Measured
in-process that is about half a second (1.3 s with the URLconf), paid by the first request
after every start of every gunicorn worker: with a few workers and Zapier's short bursts,
that is the slowest webhook answer there is. `web_process_warm` pays it once, at start.

It reads nothing from the database and does not connect to the broker, so a process whose
broker or database is down still starts (and says so later, on /health).
"""

import datetime as dt
import json

from django.conf import settings
from django.urls import reverse

from bookings.parsing import read_envelope, read_order_draft
from bookings.samples import sample_order_email
from musicians.catalog import InstrumentCatalog

from .celery import app as celery_app


def web_process_warm() -> None:
    reverse("dashboard-booking", args=[1])  # fills the resolver's reverse table
    celery_app.loader.import_default_modules()  # the apps' tasks modules, as core.queueing would on first use
    celery_app.amqp.router  # noqa: B018  (cached properties: the transport, the router, the result backend)
    celery_app.backend  # noqa: B018
    celery_app.producer_pool  # noqa: B018
    celery_app.finalize(auto=True)  # binds every task, as the first look-up in its registry would
    _parse_a_sample_order()


def _parse_a_sample_order() -> None:
    now = dt.datetime.now(dt.UTC)
    email = sample_order_email(now=now, time_zone=settings.STUDIO_TIME_ZONE)
    envelope = read_envelope(json.dumps(email).encode(), "application/json")
    read_order_draft(
        subject=envelope.subject,
        body_plain=envelope.body_plain,
        body_html=envelope.body_html,
        now=now,
        default_zone=settings.STUDIO_TIME_ZONE,
        catalog=InstrumentCatalog({"Drums": "drums"}, {}),
    )
