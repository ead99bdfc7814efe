"""A local Bot API stand-in over HTTP, for tests that run `schuldhulpbot run` as a real process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest

TOKEN = "424242:LOCAL-TEST-TOKEN-secret"


class LocalBotAPI(BaseHTTPRequestHandler):
    """Just enough of a local Bot API server: one /start update, and it records replies."""

    sent: ClassVar[list[dict[str, object]]] = []
    delivered = threading.Event()
    update_given = False

    def log_message(self, *args: object) -> None:  # keep the test output clean
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode()
        params = {k: v[0] for k, v in parse_qs(raw).items()} if raw else {}
        method = self.path.rsplit("/", 1)[-1]
        result: object = True
        if not self.path.startswith(f"/bot{TOKEN}/"):
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Lokaal", "username": "lokaal_bot"}
        elif method == "getUpdates":
            if not LocalBotAPI.update_given:
                LocalBotAPI.update_given = True
                result = [
                    {
                        "update_id": 1,
                        "message": {
                            "message_id": 1,
                            "date": int(time.time()),
                            "chat": {"id": 77, "type": "private"},
                            "from": {"id": 77, "is_bot": False, "first_name": "Nieuw"},
                            "text": "/start",
                            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                        },
                    }
                ]
            else:
                time.sleep(0.05)  # a long-polling server holds the request; keep the loop gentle
                result = []
        elif method == "sendMessage":
            LocalBotAPI.sent.append(params)
            LocalBotAPI.delivered.set()
            result = {
                "message_id": 2,
                "date": int(time.time()),
                "chat": {"id": 77, "type": "private"},
                "text": params.get("text", ""),
            }
        self._answer(200, {"ok": True, "result": result})

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def local_api() -> Iterator[str]:
    """A fresh stand-in per test: one /start update, nothing sent yet."""
    LocalBotAPI.sent.clear()
    LocalBotAPI.delivered.clear()
    LocalBotAPI.update_given = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), LocalBotAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
