"""A small load generator: N threads, each sending requests back to back for a fixed time."""

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A request is (method, path, body, headers); the factory gets the thread's number and its count so far.
Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass
class LoadResult:
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("inf")


def send(base: str, request: Request) -> tuple[int, bytes, dict[str, str]]:
    method, path, body, headers = request
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def run_load(
    base: str,
    make_request: Callable[[int, int], Request | None],
    *,
    concurrency: int,
    seconds: float,
    ok: Callable[[int], bool] = lambda status: status < 400,
) -> LoadResult:
    """Requests as fast as `concurrency` clients can send them; only successful ones count."""
    result = LoadResult(concurrency, seconds)
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(number: int) -> None:
        done = 0
        while time.perf_counter() < stop:
            request = make_request(number, done)
            if request is None:
                return
            start = time.perf_counter()
            try:
                status, _, _ = send(base, request)
            except OSError:
                status = 599
            elapsed = time.perf_counter() - start
            done += 1
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if ok(status):
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def run_alternating(
    base: str,
    loads: list[tuple[Callable[[int, int], Request | None], Callable[[int], bool]]],
    *,
    concurrency: int,
    seconds: float,
    slices: int,
) -> list[LoadResult]:
    """Each (request factory, ok) load in turn, `slices` rounds of `seconds / slices` each; one result
    per load over all its slices. A burst of a neighbour's load on this shared machine then weighs
    on every load alike, where back-to-back runs would each meet a different machine."""
    parts: list[list[LoadResult]] = [[] for _ in loads]
    for _ in range(slices):
        for (make_request, ok), results in zip(loads, parts, strict=True):
            results.append(run_load(base, make_request, concurrency=concurrency, seconds=seconds / slices, ok=ok))
    return [joined(results) for results in parts]


def joined(results: list[LoadResult]) -> LoadResult:
    statuses: dict[int, int] = {}
    for result in results:
        for status, count in result.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return LoadResult(
        results[0].concurrency,
        sum(r.seconds for r in results),
        [latency for r in results for latency in r.latencies],
        sum(r.errors for r in results),
        statuses,
    )
