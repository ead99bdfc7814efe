"""The project's own Bot API stand-in (handlers.demo.botapi: the one `schuldhulpbot demo` runs
in-process) served over HTTP in a thread, for tests that run `schuldhulpbot run` as a real
process. Demo and tests share one implementation, so they cannot drift apart."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from aiohttp import web

from handlers.demo.botapi import BotAPI, Message, http_app

TOKEN = "424242:LOCAL-TEST-TOKEN-secret"


class ServedBotAPI:
    """A BotAPI behind an aiohttp server on 127.0.0.1, in a thread with its own event loop."""

    def __init__(self, api: BotAPI) -> None:
        self.api = api
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """What SCHULDHULPBOT_API_BASE_URL is set to."""
        return f"http://127.0.0.1:{self.port}/bot"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._runner = web.AppRunner(http_app(self.api), access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            self.port = self._runner.addresses[0][1]
            self._ready.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()

    def start(self) -> ServedBotAPI:
        self._thread.start()
        assert self._ready.wait(10), "the Bot API stand-in did not start"
        return self

    def stop(self) -> None:
        async def stop() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def sent_to(self, chat_id: int) -> list[Message]:
        """What the bot sent to one chat."""
        return [m for m in self.api.messages(chat_id) if m.from_bot]

    def sent(self) -> list[Message]:
        return self.api.sent()


@contextmanager
def served(api: BotAPI) -> Iterator[ServedBotAPI]:
    stand_in = ServedBotAPI(api).start()
    try:
        yield stand_in
    finally:
        stand_in.stop()


def wait_until(check: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def local_api() -> Iterator[ServedBotAPI]:
    """A fresh stand-in per test, with one /start waiting from chat 77."""
    api = BotAPI(TOKEN, username="lokaal_bot")
    api.type_text(77, "/start", first_name="Nieuw")
    with served(api) as stand_in:
        yield stand_in
