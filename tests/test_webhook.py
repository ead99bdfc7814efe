"""Webhook mode: Telegram's secret token checked on every request, updates reach the handlers,
/gezond tells a load balancer which replica is active; and `run --webhook` as a real process."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.db import create_engine, create_sessionmaker
from handlers.webhook import ACTIVE_KEY, HEALTH_PATH, SECRET_HEADER, bound_port, start_server
from tests.botharness import Bot, running_bot
from tests.conftest import FakeClock
from tests.localapi import TOKEN, ServedBotAPI, wait_until

SECRET = "geheim_123-abc"


def start_update(update_id: int, chat_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Nieuw"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


@pytest.fixture
async def served(tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[Bot, str]]:
    async with running_bot(tmp_path, clock) as bot:
        runner = await start_server(bot.app, SECRET, "/telegram", "127.0.0.1", 0)
        try:
            yield bot, f"http://127.0.0.1:{bound_port(runner)}"
        finally:
            await runner.cleanup()


async def test_the_secret_token_is_checked_on_every_request(served: tuple[Bot, str]) -> None:
    bot, base = served
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "fout"}, {SECRET_HEADER: SECRET + "x"}):
            async with http.post(f"{base}/telegram", json=start_update(10001, 555), headers=headers) as r:
                assert r.status == 403
        await bot.app.update_queue.join()
        assert bot.fake.sent_to(555) == []  # nothing was processed
        async with http.post(
            f"{base}/telegram", json=start_update(10002, 555), headers={SECRET_HEADER: SECRET}
        ) as r:
            assert r.status == 200
        await bot.app.update_queue.join()
        for _ in range(50):  # the handler runs as a task of the Application
            if bot.fake.sent_to(555):
                break
            await asyncio.sleep(0.02)
        assert "persoonlijke uitnodiging" in bot.fake.sent_to(555)[0].text
        async with http.post(f"{base}/telegram", data=b"geen json", headers={SECRET_HEADER: SECRET}) as r:
            assert r.status == 400


async def test_gezond_is_200_only_for_the_active_replica(served: tuple[Bot, str]) -> None:
    bot, base = served
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}{HEALTH_PATH}") as r:
            assert (r.status, await r.text()) == (200, "ok")
        bot.app.bot_data[ACTIVE_KEY] = False  # a standby
        async with http.get(f"{base}{HEALTH_PATH}") as r:
            assert (r.status, await r.text()) == (503, "stand-by")
        async with http.post(
            f"{base}/telegram", json=start_update(10003, 556), headers={SECRET_HEADER: SECRET}
        ) as r:
            assert r.status == 503  # Telegram tries again later, at the active one
        bot.app.bot_data[ACTIVE_KEY] = True
        healthy = bot.app.bot_data["runtime"]
        gone = create_engine("postgresql+asyncpg://niemand@127.0.0.1:9/weg")  # nothing listens there
        bot.app.bot_data["runtime"] = replace(healthy, sessionmaker=create_sessionmaker(gone))
        try:
            async with http.get(f"{base}{HEALTH_PATH}") as r:
                assert (r.status, await r.text()) == (503, "database")
        finally:
            bot.app.bot_data["runtime"] = healthy
            await gone.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return 0


def _post(url: str, body: dict[str, object], secret: str | None) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if secret is not None:
        request.add_header(SECRET_HEADER, secret)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def test_run_webhook_as_a_real_process(local_api: ServedBotAPI, tmp_path: Path) -> None:
    port, health_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "SCHULDHULPBOT_TOKEN": TOKEN,
        "SCHULDHULPBOT_API_BASE_URL": local_api.url,
        "SCHULDHULPBOT_DATABASE_URL": f"sqlite:///{tmp_path}/hook.db",
        "SCHULDHULPBOT_WEBHOOK_SECRET": SECRET,
        # an address this machine does not have: --luister must win, for the health port too
        "SCHULDHULPBOT_WEBHOOK_LISTEN": "203.0.113.1",
        "SCHULDHULPBOT_HEALTH_PORT": str(health_port),
    }
    env.pop("SCHULDHULPBOT_CONFIG", None)
    url = f"http://127.0.0.1:{port}/telegram"
    log = tmp_path / "hook.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--webhook",
                url,
                "--poort",
                str(port),
                "--luister",
                "127.0.0.1",
            ],
            env=env,
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while _get(f"http://127.0.0.1:{port}{HEALTH_PATH}") != 200:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()[-2000:]
            time.sleep(0.2)
        assert _get(f"http://127.0.0.1:{health_port}{HEALTH_PATH}") == 200
        sent_before = len(local_api.sent())
        assert _post(url, start_update(10, 91), "fout") == 403
        assert _post(url, start_update(11, 91), None) == 403
        time.sleep(0.5)
        assert len(local_api.sent()) == sent_before  # refused: nothing processed
        assert _post(url, start_update(12, 91), SECRET) == 200
        assert wait_until(lambda: local_api.sent_to(91), 30), log.read_text()[-2000:]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    output = log.read_text()
    assert proc.returncode == 0, output[-2000:]
    assert SECRET not in output and TOKEN not in output
    registered = local_api.api.webhooks[-1]  # registered with its secret, pending updates kept
    assert registered["url"] == url and registered["secret_token"] == SECRET
    assert str(registered.get("drop_pending_updates", "false")).lower() == "false"


def test_webhook_without_a_secret_is_refused_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from bot.cli import main

    monkeypatch.setenv("SCHULDHULPBOT_TOKEN", TOKEN)
    monkeypatch.setenv("SCHULDHULPBOT_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.delenv("SCHULDHULPBOT_WEBHOOK_SECRET", raising=False)
    assert main(["run", "--webhook", "https://bot.example.nl/telegram"]) == 2
    assert "SCHULDHULPBOT_WEBHOOK_SECRET nodig" in capsys.readouterr().err
    monkeypatch.setenv("SCHULDHULPBOT_WEBHOOK_SECRET", "met spaties erin")
    assert main(["run", "--webhook", "https://bot.example.nl/telegram"]) == 2
    assert "SCHULDHULPBOT_WEBHOOK_SECRET" in capsys.readouterr().err  # named, its value not shown


def test_a_port_in_use_is_named_not_retried(local_api: ServedBotAPI, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "SCHULDHULPBOT_TOKEN": TOKEN,
            "SCHULDHULPBOT_API_BASE_URL": local_api.url,
            "SCHULDHULPBOT_DATABASE_URL": f"sqlite:///{tmp_path}/port.db",
            "SCHULDHULPBOT_WEBHOOK_SECRET": SECRET,
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--webhook",
                f"http://127.0.0.1:{port}/t",
                "--poort",
                str(port),
                "--luister",
                "127.0.0.1",
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert "De bot kan niet starten" in done.stderr and "Traceback" not in done.stderr


async def test_on_stop_the_webhook_answers_503_not_200(tmp_path: Path, clock: FakeClock) -> None:
    """Once stopping begins an update gets 503 (Telegram sends it again later), never a 200 for an
    update the stopping Application would no longer handle."""
    from bot.settings import Settings
    from handlers.app import build_application
    from handlers.webhook import STOP_KEY, run_webhook
    from tests.fakebot import FakeTelegram

    settings = Settings(
        token="123456:TEST-TOKEN", database_url=f"sqlite+aiosqlite:///{tmp_path}/stop.db", config=None
    )
    app = build_application(
        settings, request=FakeTelegram(), clock=clock, rate_limit=False, schedule_reminders=False
    )
    port = _free_port()
    serving = asyncio.create_task(
        run_webhook(app, f"http://127.0.0.1:{port}/telegram", SECRET, "127.0.0.1", port)
    )
    async with aiohttp.ClientSession() as http:
        for _ in range(200):  # until started (no sleeping test: each try is a real request)
            try:
                async with http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as r:
                    if r.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.02)
        app.bot_data[STOP_KEY].set()  # what SIGTERM does
        await asyncio.sleep(0)  # run_webhook resumes: stopping has begun
        try:
            async with http.post(
                f"http://127.0.0.1:{port}/telegram",
                json=start_update(20001, 557),
                headers={SECRET_HEADER: SECRET},
            ) as r:
                assert r.status == 503
        except aiohttp.ClientConnectionError:
            pass  # already closed: also no update taken on
    await serving
