"""The Redis cache keeps its client: the same one for every call, still answering across threads."""

import threading

from django.core.cache import cache


def test_it_keeps_one_client_for_every_call():
    assert cache._cache.get_client() is cache._cache.get_client(write=True)  # one server: one pool, one client


def test_values_written_in_one_thread_are_read_in_another():
    cache.set("redis-cache-test", 41)
    read: list[object] = []
    thread = threading.Thread(target=lambda: read.append(cache.get("redis-cache-test")))  # its own cache object
    thread.start()
    thread.join()
    assert read == [41]
    assert cache.incr("redis-cache-test") == 42
