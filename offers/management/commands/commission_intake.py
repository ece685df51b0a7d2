"""A stand-in for a Commission intake, for development and tests.

    python manage.py commission_intake --port 8099 --secret S --store var/intake.jsonl

Accepts POSTs on any path; checks ``X-Signature`` (HMAC-SHA256 of the body, 401 if wrong or
missing); records each new ``Idempotency-Key`` once, as a JSON line in the store with the
payload; answers 200 to a repeat without recording it again. ``--fail-rate 0.5`` answers 503
to that share of requests, and while ``--fail-flag FILE`` exists every request gets 503.
"""

from __future__ import annotations

import hmac
import json
import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from offers.routing import sign


class IntakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        secret: str,
        store: Path,
        fail_rate: float,
        fail_flag: Path | None,
    ):
        super().__init__(address, IntakeHandler)
        self.secret = secret
        self.store = store
        self.fail_rate = fail_rate
        self.fail_flag = fail_flag
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        if store.exists():
            for line in store.read_text().splitlines():
                if line.strip():
                    self.seen.add(json.loads(line)["idempotency_key"])


class IntakeHandler(BaseHTTPRequestHandler):
    server: IntakeServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Without this, Nagle's algorithm and delayed ACKs cost ~40 ms a request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # the base signature
        pass  # one line per request would drown the test output

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        server = self.server
        if (server.fail_flag and server.fail_flag.exists()) or random.random() < server.fail_rate:  # noqa: S311
            self._answer(503, {"error": "intake unavailable (simulated)"})
            return
        signature = self.headers.get("X-Signature", "")
        if not hmac.compare_digest(signature, sign(body, server.secret)):
            self._answer(401, {"error": "bad or missing signature"})
            return
        key = self.headers.get("Idempotency-Key", "")
        if not key:
            self._answer(400, {"error": "missing Idempotency-Key"})
            return
        try:
            payload = json.loads(body)
        except ValueError:
            self._answer(400, {"error": "body is not JSON"})
            return
        with server.lock:
            if key in server.seen:
                self._answer(200, {"status": "already received", "idempotency_key": key})
                return
            with server.store.open("a") as store:
                store.write(
                    json.dumps({"idempotency_key": key, "path": self.path, "payload": payload})
                    + "\n"
                )
                store.flush()
            server.seen.add(key)
        self._answer(200, {"status": "received", "idempotency_key": key})


class Command(BaseCommand):
    help = "Run a stand-in Commission intake that verifies signatures and records each offer once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8099)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--secret", required=True)
        parser.add_argument("--store", required=True, help="JSON-lines file of received offers")
        parser.add_argument(
            "--fail-rate", type=float, default=0.0, help="share of requests answered 503"
        )
        parser.add_argument("--fail-flag", default="", help="while this file exists, answer 503")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Path(options["store"])
        store.parent.mkdir(parents=True, exist_ok=True)
        server = IntakeServer(
            (options["host"], options["port"]),
            secret=options["secret"],
            store=store,
            fail_rate=options["fail_rate"],
            fail_flag=Path(options["fail_flag"]) if options["fail_flag"] else None,
        )
        self.stdout.write(
            f"Commission intake on http://{options['host']}:{options['port']}/ → {store}"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
