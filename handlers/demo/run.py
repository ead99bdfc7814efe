"""`schuldhulpbot demo`: the real Application against a Bot API inside the process, a seeded demo
world in its own SQLite file, and the web page on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import i18n
from bot.clock import MovableClock, system_clock
from bot.config import load_config
from bot.demo_world import OPENING, PEOPLE, demo_start, seed
from bot.services.users import get_user
from bot.settings import Settings
from handlers.app import App, build_application
from handlers.demo.botapi import BotAPI, BotAPIRequest
from handlers.demo.web import Column, DemoPage, web_app
from handlers.runtime import RUNTIME_KEY, Runtime
from handlers.views.menus import set_user_commands
from scheduler.dispatcher import DISPATCHER_KEY, Dispatcher

logger = logging.getLogger(__name__)
TOKEN = "1000001:schuldhulpbot-demo"  # never leaves the process: the Bot API is our own
HOST = "127.0.0.1"  # the demo is for the person at this computer only


class DemoDatabaseTaken(Exception):
    """The file exists and is not a demo world: the demo will not touch it."""


@dataclass
class Demo:
    """The running demo: its Bot API, Application, clock and page."""

    api: BotAPI
    app: App
    clock: MovableClock
    page: DemoPage
    database: Path
    url: str = ""
    moving: asyncio.Lock = field(default_factory=asyncio.Lock)  # one "tijd vooruit" at a time

    @property
    def runtime(self) -> Runtime:
        rt = self.app.bot_data[RUNTIME_KEY]
        assert isinstance(rt, Runtime)
        return rt

    async def forward(self, step: str) -> None:
        """One working day or one week on; the dispatcher looks at nine on each working day passed,
        as it would have every minute, so daily lists, reminders and the Monday overview come in
        their order."""
        async with self.moving:  # a second press waits, then moves on from where this one ends
            await self._forward(step)

    async def _forward(self, step: str) -> None:
        calendar = self.runtime.deps.calendar
        today = calendar.local(self.clock()).date()
        target = (
            calendar.next_working_day(today, include_self=False)
            if step == "werkdag"
            else calendar.next_working_day(today + timedelta(days=7))
        )
        dispatcher = self.app.bot_data[DISPATCHER_KEY]
        assert isinstance(dispatcher, Dispatcher)
        day = today
        while day < target:
            day = calendar.next_working_day(day, include_self=False)
            moment = calendar.at(day, OPENING)
            # the clock moves once the tick has its turn: a tick already running ends on its day
            await dispatcher.tick(before=partial(self.clock.move_to, moment))
        self.api.version += 1  # the page shows the new clock even when nothing was sent
        _save_clock(self.database, self.clock)


def _state_file(database: Path) -> Path:
    return database.with_name(database.name + ".demo.json")


def _save_clock(database: Path, clock: MovableClock) -> None:
    """Where the demo clock stands: a restart goes on from there."""
    _state_file(database).write_text(json.dumps({"klok": clock().isoformat()}))


def _saved_clock(database: Path) -> datetime:
    try:
        return datetime.fromisoformat(json.loads(_state_file(database).read_text())["klok"])
    except (OSError, ValueError, KeyError, TypeError):
        raise DemoDatabaseTaken(str(database)) from None


def demo_settings(database: Path, language: str) -> Settings:
    """The demo's own settings: its token, its SQLite file, the default configuration."""
    return Settings(
        token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{database}",
        config=None,
        api_base_url=None,
        webhook_url=None,
        health_port=None,
        language=language,
    )


@asynccontextmanager
async def running_demo(
    database: Path | None = None, port: int = 8080, language: str = i18n.DEFAULT_LANGUAGE
) -> AsyncIterator[Demo]:
    """Start the demo (a fresh world, or the one already in `database`), serve the page, stop it all."""
    with tempfile.TemporaryDirectory(prefix="schuldhulpbot-demo-") as scratch:
        path = database or Path(scratch) / "demo.db"
        fresh = not path.exists()
        state = _state_file(path)
        if not fresh and not state.exists():
            raise DemoDatabaseTaken(str(path))
        _check_port(port)  # before the start-up work: a port in use is said at once
        config = load_config(None)
        clock = MovableClock() if fresh else MovableClock(_saved_clock(path))
        api = BotAPI(TOKEN, clock=lambda: clock().timestamp(), first_update_id=_first_update_id(clock))
        app = build_application(
            demo_settings(path, language), config, request=BotAPIRequest(api), clock=clock, rate_limit=True
        )
        await app.initialize()
        demo: Demo | None = None
        runner: web.AppRunner | None = None
        try:  # whatever fails on the way, what was started is stopped again
            assert app.post_init is not None
            await app.post_init(app)  # migrations, the dispatcher's job (it starts with the JobQueue)
            rt = app.bot_data[RUNTIME_KEY]
            assert isinstance(rt, Runtime)
            if fresh:
                clock.move_to(demo_start(rt.deps, system_clock()))
                await seed(rt.sessionmaker, rt.deps, clock, language)
            _save_clock(path, clock)
            columns = []
            async with rt.sessionmaker() as session:
                for person in PEOPLE:
                    user = await get_user(session, person.chat_id)
                    assert user is not None, "the demo database lacks its demo accounts"
                    api.names[person.chat_id] = person.name.split()[0]
                    await set_user_commands(app.bot, user)
                    columns.append(
                        Column(person.chat_id, i18n.gettext(person.role.label, language), user.display_name)
                    )
            demo = Demo(api, app, clock, None, path)  # type: ignore[arg-type]
            demo.page = DemoPage(api, columns, rt.deps.calendar, language, clock, demo.forward)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=2, drop_pending_updates=False)
            await app.start()
            if fresh:  # everyone opens the chat: the bot greets each role as it would on Telegram
                for person in PEOPLE:
                    api.type_text(person.chat_id, "/start", language=language)
                for _ in range(400):  # greetings first (at most 20 s), then what the world has due
                    if all(any(m.from_bot for m in api.messages(p.chat_id)) for p in PEOPLE):
                        break
                    await asyncio.sleep(0.05)
            dispatcher = app.bot_data[DISPATCHER_KEY]
            assert isinstance(dispatcher, Dispatcher)
            await dispatcher.tick()
            runner = web.AppRunner(web_app(demo.page), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, HOST, port).start()
            bound = runner.addresses[0][1] if runner.addresses else port
            demo.url = f"http://{HOST}:{bound}/"
            yield demo
        finally:
            if demo is not None:
                demo.page.stopping = True
            if runner is not None:
                await runner.cleanup()
            if app.updater is not None and app.updater.running:
                with suppress(Exception):
                    await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)  # closes the database (when it was opened)
            if path.exists():
                _save_clock(path, clock)


def _check_port(port: int) -> None:
    """Raise OSError (address in use) now rather than after the demo world is made."""
    if port == 0:
        return
    with socket.socket() as probe:
        probe.bind((HOST, port))


def _first_update_id(clock: MovableClock) -> int:
    """Update ids keep rising across restarts of one demo world (the bot skips an id it has seen)."""
    return int(clock().timestamp() * 10) % 2_000_000_000


async def serve_until_stopped(database: Path | None, port: int, language: str, say: Any) -> int:
    """Run the demo until Ctrl-C or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_demo(database, port, language) as demo:
        say(demo)
        await stop.wait()
    return 0
