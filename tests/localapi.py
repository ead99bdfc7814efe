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
    webhooks: ClassVar[list[dict[str, object]]] = []  # setWebhook's parameters
    delivered = threading.Event()
    update_given = False

    def log_message(self, *args: object) -> None:  # keep the test output clean
        return

    def do_POST(self) -> None:
        method, params = self._request()
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
        elif method == "setWebhook":
            LocalBotAPI.webhooks.append(params)
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

    def _request(self) -> tuple[str, dict[str, str]]:
        """The Bot API method asked for and its (form-encoded) parameters."""
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode()
        return self.path.rsplit("/", 1)[-1], {k: v[0] for k, v in parse_qs(raw).items()} if raw else {}

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
    LocalBotAPI.webhooks.clear()
    LocalBotAPI.delivered.clear()
    LocalBotAPI.update_given = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), LocalBotAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()


class QueueBotAPI(LocalBotAPI):
    """getUpdates as Telegram does it: a queue of updates, each kept until a later getUpdates asks
    past it (its offset), handed out a few at a time; replies recorded."""

    queue: ClassVar[list[dict[str, object]]] = []
    replies: ClassVar[list[dict[str, object]]] = []
    handed: ClassVar[list[dict[str, object]]] = []  # every update handed out, in order
    up_to: ClassVar[int | None] = None  # hand out no update with a higher id (None: all)
    offsets: ClassVar[list[int]] = []  # the offsets getUpdates was asked with
    lock = threading.Lock()
    per_call = 2

    def do_POST(self) -> None:
        method, params = self._request()
        result: object = True
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Lokaal", "username": "lokaal_bot"}
        elif method == "getUpdates":
            offset = int(str(params.get("offset") or 0))
            with QueueBotAPI.lock:
                QueueBotAPI.offsets.append(offset)
                QueueBotAPI.queue[:] = [u for u in QueueBotAPI.queue if int(str(u["update_id"])) >= offset]
                limit = QueueBotAPI.up_to
                ready = [u for u in QueueBotAPI.queue if limit is None or int(str(u["update_id"])) <= limit]
                result = ready[: QueueBotAPI.per_call]
                QueueBotAPI.handed.extend(u for u in result if u not in QueueBotAPI.handed)
            if not result:
                time.sleep(0.05)
        elif method == "sendMessage":
            with QueueBotAPI.lock:
                QueueBotAPI.replies.append(params)
                number = len(QueueBotAPI.replies)
            result = {
                "message_id": number,
                "date": int(time.time()),
                "chat": {"id": int(str(params["chat_id"])), "type": "private"},
                "text": params.get("text", ""),
            }
        self._answer(200, {"ok": True, "result": result})


def message(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    """A private text message as Telegram sends it, with a command's entity."""
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    )
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Ben"},
            "text": text,
            "entities": entities,
        },
    }


@pytest.fixture
def queue_api() -> Iterator[str]:
    """A fresh queue stand-in per test."""
    QueueBotAPI.queue.clear()
    QueueBotAPI.replies.clear()
    QueueBotAPI.handed.clear()
    QueueBotAPI.offsets.clear()
    QueueBotAPI.up_to = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), QueueBotAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
