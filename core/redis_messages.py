"""Task messages LPUSHed to Redis as kombu's Redis transport writes them, for far less.

Celery's own publish (`apply_async` through a kombu producer) costs 0.6-0.9 ms of Python
around one LPUSH that takes 0.15 ms: kombu builds a new Redis client for each publish,
binds and declares the queue, wraps the call in its retry machinery, and Celery reads its
settings through layered dictionaries. The webhook and the YES press each publish one
task per request, so that is most of what they cost beyond their one write.

Here Celery still builds the message (`app.amqp.create_task_message`: protocol 2, its
headers and body); this module only does what kombu's Redis transport does with it: the
envelope (the body in base64, the delivery info and tag) and the LPUSH onto the routed
queue's list, through one Redis client kept per process, all of a batch in one pipeline.
`core/tests/test_redis_messages.py` checks that a message written here is the one kombu
writes, field for field but the ids, and the worker tests consume them.

Only the plain case takes this path (`publish_plain`): a redis:// broker (not TLS) with no
key prefix, protocol 2, JSON, no compression, no sent events, no default or inherited
priority, no task routes (the task goes to the default queue, which Celery sends through
the default exchange keyed by the queue's name), no publish signal listening for the task,
and no priority, expiry or queue of the task's own. Anything else goes through Celery's own
publish, as before.
"""

import base64
import uuid
from dataclasses import dataclass
from functools import cache

import redis
from celery import Celery, Task
from celery.signals import after_task_publish, before_task_publish
from celery.utils.saferepr import saferepr
from kombu.serialization import dumps as serialize
from kombu.utils.json import dumps as envelope_dumps

DELIVERY_MODES = {"persistent": 2, "transient": 1}
# A task's own options that would change its message or where it goes (time limits are written below).
TASK_OPTIONS = ("serializer", "compression", "queue", "exchange", "routing_key", "priority", "expires", "delivery_mode")


@dataclass(frozen=True)
class RedisBroker:
    url: str
    timeout: float  # seconds to connect or answer: Celery's broker_connection_timeout
    # Celery's settings each message needs, read once: a lookup through its settings (layered over
    # Django's) costs 20 us, about a quarter of a publish when read on every message.
    delivery_mode: int  # task_default_delivery_mode, as kombu writes it
    repr_maxlevels: int  # task_repr_maxlevels: how deep the message's argsrepr goes


def publish_plain(app: Celery, calls: list[tuple[Task, tuple[object, ...]]]) -> bool:
    """Write the messages of these (task, arguments) here, in one round trip, if every one is the
    plain case; False, and nothing written, if any is not. redis.RedisError if Redis is away."""
    broker = redis_broker(app)
    if broker is None or not all(usable(task) for task, _ in calls):
        return False
    messages = [task_message(app, broker, task, args) for task, args in calls]
    written = [message for message in messages if message is not None]
    if len(written) < len(messages):
        return False
    push(broker, written)
    return True


def redis_broker(app: Celery) -> RedisBroker | None:
    """The broker, if it is a plain Redis one this module writes for; None otherwise.

    Read once per broker URL (Celery reads the URL from the environment first, so tests
    that point it elsewhere get a new answer); the rest of Celery's settings are fixed
    once the app is configured.
    """
    return _plain_redis(app, app.conf.broker_url)


@cache
def _plain_redis(app: Celery, url: str) -> RedisBroker | None:
    conf = app.conf
    plain = (
        url.startswith("redis://")  # rediss:// and its broker_use_ssl options: kombu's own connection
        # visibility_timeout only matters to the consumer; a key prefix or priority steps change the key
        and set(conf.broker_transport_options or {}) <= {"visibility_timeout"}
        and conf.task_protocol == 2
        and conf.task_serializer == "json"
        and not conf.task_compression
        and not conf.task_send_sent_event
        and not conf.task_routes
        and conf.task_default_priority is None  # the message's priority, and its key: kombu's
        and not conf.task_inherit_parent_priority
    )
    if not plain:
        return None
    timeout = float(conf.broker_connection_timeout or 4.0)
    return RedisBroker(url, timeout, _delivery_mode(conf.task_default_delivery_mode), conf.task_repr_maxlevels)


def usable(task: Task) -> bool:
    """Whether a message for `task` is written here exactly as kombu would write it."""
    own = {name: getattr(task, name, None) for name in TASK_OPTIONS}  # what apply_async takes from the task
    return (
        own.pop("serializer") in (None, "json")
        and all(value is None for value in own.values())
        and not before_task_publish.has_listeners(sender=task.name)
        and not after_task_publish.has_listeners(sender=task.name)
    )


def task_message(app: Celery, broker: RedisBroker, task: Task, args: tuple[object, ...]) -> tuple[str, str] | None:
    """The queue to LPUSH onto and the message, for `task` called with `args` now (as `apply_async`
    would); None if Celery routes it otherwise than straight to a queue."""
    route = app.amqp.router.route({}, task.name, args, {})
    queue = route["queue"]
    if set(route) != {"queue"} or queue.exchange.type != "direct":
        return None  # not the plain route: Celery's own publish
    task_id = str(uuid.uuid4())
    parent = app.current_worker_task
    root_id = (parent.request.root_id or parent.request.id) if parent else None
    message = app.amqp.create_task_message(
        task_id,
        task.name,
        args,
        {},
        reply_to=app.thread_oid,
        time_limit=task.time_limit,
        soft_time_limit=task.soft_time_limit,
        root_id=root_id,
        parent_id=parent.request.id if parent else None,
        ignore_result=task.ignore_result,
        # as Celery writes them, with the depth read once (it reads the setting twice a message)
        argsrepr=saferepr(args, app.amqp.argsrepr_maxsize, maxlevels=broker.repr_maxlevels),
        kwargsrepr=saferepr({}, app.amqp.kwargsrepr_maxsize, maxlevels=broker.repr_maxlevels),
    )
    content_type, content_encoding, body = serialize(message.body, serializer="json")
    envelope = {
        "body": base64.b64encode(body.encode(content_encoding) if isinstance(body, str) else body).decode(),
        "content-encoding": content_encoding,
        "content-type": content_type,
        "headers": message.headers,
        "properties": {
            **message.properties,
            "delivery_mode": broker.delivery_mode,
            # Celery sends a direct route through the default exchange, keyed by the queue's name
            "delivery_info": {"exchange": "", "routing_key": queue.name},
            "priority": 0,
            "body_encoding": "base64",
            "delivery_tag": str(uuid.uuid4()),
        },
    }
    return queue.name, envelope_dumps(envelope)


def push(broker: RedisBroker, messages: list[tuple[str, str]]) -> None:
    """LPUSH each (queue, message), all in one round trip; redis.RedisError if Redis is away."""
    if len(messages) == 1:  # the webhook's and the press's one task: a pipeline costs a third more
        _client(broker).lpush(*messages[0])
        return
    pipeline = _client(broker).pipeline(transaction=False)
    for queue, message in messages:
        pipeline.lpush(queue, message)
    pipeline.execute()


def _delivery_mode(mode: int | str) -> int:
    return DELIVERY_MODES[mode] if isinstance(mode, str) else int(mode)


@cache
def _client(broker: RedisBroker) -> redis.Redis:
    """One client per broker and process (as messaging.throttle keeps its own): redis-py clients
    are safe to share between threads, and after a fork their pool opens new connections."""
    return redis.Redis.from_url(broker.url, socket_connect_timeout=broker.timeout, socket_timeout=broker.timeout)
