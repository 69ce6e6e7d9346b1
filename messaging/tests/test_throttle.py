"""The send rate limit, shared by every worker through Redis."""

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from messaging.throttle import KEY, LocalThrottle, RedisThrottle


def redis_throttle() -> RedisThrottle:
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(KEY)
    return RedisThrottle(settings.CELERY_BROKER_URL)


def test_slots_are_spaced_by_the_rate_across_workers():
    workers = [redis_throttle(), RedisThrottle(settings.CELERY_BROKER_URL)]  # two processes' worth

    slots = []
    for n in range(6):
        wait = workers[n % 2].reserve(0.05)
        slots.append(time.monotonic() + wait)  # when this send may go, on our clock

    # Each slot lands one interval after the previous one, whoever reserved it (give or
    # take one call's own latency, whatever the machine's load between calls).
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert all(0.035 <= gap <= 0.065 for gap in gaps), gaps


def test_a_burst_from_many_threads_never_beats_the_rate():
    throttle = redis_throttle()
    interval, count = 0.01, 40

    def send(_: int) -> float:
        wait = throttle.reserve(interval)
        time.sleep(wait)
        return time.monotonic()

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent_at = sorted(pool.map(send, range(count)))

    assert sent_at[-1] - start >= interval * (count - 1) * 0.9  # 40 texts at 100/s take ~0.39 s at least


def test_the_laptop_throttle_spaces_slots_in_one_process():
    throttle = LocalThrottle()

    waits = [throttle.reserve(0.1) for _ in range(3)]

    assert waits[0] == 0
    assert 0.18 <= waits[2] <= 0.2
