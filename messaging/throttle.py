"""One send rate for every worker: the account's throughput, never more.

Each send reserves the next free slot, `1 / SMS_RATE_PER_SECOND` seconds after
the previous one, and waits for it. With Redis the slots are kept in Redis (by
Redis's own clock, in one Lua script), so all workers on all machines share
them; without Redis (the laptop set-up) a lock in the process does the same.
"""

import threading
import time
from functools import cache

import redis
from django.conf import settings

RESERVE_SLOT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval_us = tonumber(ARGV[1])
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now_us, next_free)
redis.call('SET', KEYS[1], slot + interval_us, 'PX', math.ceil((slot + interval_us - now_us) / 1000) + 1000)
return slot - now_us
"""
KEY = "workflow:sms:next-free-slot"


class LocalThrottle:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free = 0.0

    def reserve(self, interval: float) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_free)
            self._next_free = slot + interval
            return slot - now


class RedisThrottle:
    def __init__(self, url: str) -> None:
        self._script = redis.Redis.from_url(url).register_script(RESERVE_SLOT)

    def reserve(self, interval: float) -> float:
        waited_us = self._script(keys=[KEY], args=[int(interval * 1_000_000)])
        return int(waited_us) / 1_000_000


@cache
def _throttle(url: str) -> LocalThrottle | RedisThrottle:
    return RedisThrottle(url) if url.startswith(("redis://", "rediss://")) else LocalThrottle()


# Slots are spaced for 95% of the account's rate: a request leaves a little after its slot,
# and without headroom that jitter lets one more request into some provider second.
HEADROOM = 0.95


def wait_for_send_slot() -> float:
    """Block until this worker may send one text; returns the seconds waited."""
    wait = _throttle(settings.CELERY_BROKER_URL).reserve(1 / (settings.SMS_RATE_PER_SECOND * HEADROOM))
    if wait > 0:
        time.sleep(wait)
    return wait
