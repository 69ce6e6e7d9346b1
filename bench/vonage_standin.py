"""A local stand-in for Vonage's SMS API (`POST /sms/json`), over TLS because the SDK only speaks https.

Answers like Vonage (status "0", a message id), records each arrival, and answers
429 when more than `rate` requests arrived in the last second.

It runs in a process of its own, as Vonage runs on machines of its own: inside the
bench's process its arrivals would be stamped late whenever the eight sending threads
held the interpreter, and a text stamped late lands in the next one's second (a 429
that Vonage would never have answered). `start` runs it; `StandIn.stop` ends it and
reads back what it counted.
"""

import json
import ssl
import subprocess  # nosec B404: openssl and our own stand-in, fixed arguments
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, rate: int) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.rate = rate
        self.arrivals: list[float] = []
        self.throttled = 0
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.rate:
                self.throttled += 1
                return False
            self._recent.append(now)
            self.arrivals.append(now)
            return True


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"  # keep-alive, as Vonage's edge does: the SDK reuses its connection

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.server.admit():
            self._answer(429, {"error": "throttled"})
            return
        message = {
            "to": "15550000000",
            "message-id": f"standin-{len(self.server.arrivals)}",
            "status": "0",
            "remaining-balance": "10.0",
            "message-price": "0.01",
            "network": "12345",
        }
        self._answer(200, {"message-count": "1", "messages": [message]})

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "standin.pem", folder / "standin.key"
    subprocess.run(  # nosec B603 B607  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class StandIn:
    """The stand-in's process, seen from the bench: where it listens, and (after `stop`) what it counted."""

    process: subprocess.Popen
    port: int
    arrivals: list[float] = field(default_factory=list)
    throttled: int = 0

    def stop(self) -> None:
        counted, _ = self.process.communicate("stop\n", timeout=30)
        report = json.loads(counted)
        self.arrivals, self.throttled = report["arrivals"], report["throttled"]


def start(rate: int, folder: Path) -> tuple[StandIn, Path]:
    """A running stand-in and the certificate clients must trust."""
    cert, key = self_signed(folder)
    command = [sys.executable, "-m", "bench.vonage_standin", str(rate), str(cert), str(key)]
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(  # nosec B603  # noqa: S603
        command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None  # noqa: S101  (piped above)
    port = int(process.stdout.readline())
    return StandIn(process, port), cert


def serve(rate: int, cert: str, key: str) -> None:
    """Serve until a line arrives on stdin; then print the port's arrivals and 429s as JSON."""
    server = Server(rate)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.readline()
    server.shutdown()
    print(json.dumps({"arrivals": server.arrivals, "throttled": server.throttled}), flush=True)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2], sys.argv[3])
