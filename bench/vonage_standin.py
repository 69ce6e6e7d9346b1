"""A local stand-in for Vonage's SMS API (`POST /sms/json`), over TLS because the SDK only speaks https.

Answers like Vonage (status "0", a message id), records each arrival, and answers
429 when more than `rate` requests arrived in the last second.
"""

import json
import ssl
import subprocess  # nosec B404: openssl with fixed arguments, for a throwaway certificate
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class StandIn(ThreadingHTTPServer):
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
    server: StandIn

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


def start(rate: int, folder: Path) -> tuple[StandIn, Path]:
    """A running stand-in and the certificate clients must trust."""
    cert, key = self_signed(folder)
    server = StandIn(rate)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert
