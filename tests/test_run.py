"""`schuldhulpbot run`: refuses without a token, and answers /start against a local Bot API URL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from handlers.demo.botapi import BotAPI
from tests.localapi import TOKEN, ServedBotAPI, served, wait_until


def test_run_without_token_explains_botfather_in_dutch_and_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("SCHULDHULPBOT_TOKEN", raising=False)
    monkeypatch.setenv("SCHULDHULPBOT_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "SCHULDHULPBOT_TOKEN ontbreekt. Maak in Telegram met @BotFather" in err
    assert "SCHULDHULPBOT_TOKEN is missing. Create a bot with @BotFather" in err


def test_run_answers_start_against_a_local_bot_api(local_api: ServedBotAPI, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SCHULDHULPBOT_TOKEN": TOKEN,
        "SCHULDHULPBOT_API_BASE_URL": local_api.url,
        "SCHULDHULPBOT_DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "SCHULDHULPBOT_LOG_LEVEL": "DEBUG",
    }
    env.pop("SCHULDHULPBOT_CONFIG", None)
    log = tmp_path / "run.log"
    with log.open("w") as sink:  # a file, not a pipe: a full pipe would block the bot
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert wait_until(lambda: local_api.sent_to(77), 60), log.read_text()[-3000:]
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    output = log.read_text()
    assert proc.returncode == 0, output[-3000:]
    reply = local_api.sent_to(77)[0]
    assert reply.chat_id == 77 and "persoonlijke uitnodiging" in reply.text
    assert "schuldhulpbot ready as @lokaal_bot" in output
    assert TOKEN not in output  # httpx and PTB would log URLs with the token
    assert "persoonlijke uitnodiging" not in output  # nor message texts, even at DEBUG


BSN = "111222333"
NAME = "Fatima de Vries"
CODE = "ABCD-EFGH-JKMN"


def _run_bot(api: str, tmp_path: Path, token: str, until: Callable[[], object] | None) -> tuple[int, str]:
    env = {
        **os.environ,
        "SCHULDHULPBOT_TOKEN": token,
        "SCHULDHULPBOT_API_BASE_URL": api,
        "SCHULDHULPBOT_DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "SCHULDHULPBOT_LOG_LEVEL": "DEBUG",
    }
    env.pop("SCHULDHULPBOT_CONFIG", None)
    log = tmp_path / "run.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            if until is not None:
                assert wait_until(until, 60), log.read_text()[-3000:]
                proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    return proc.returncode, log.read_text()


def test_at_debug_the_log_holds_no_text_name_code_or_token(tmp_path: Path) -> None:
    """Updates full of what must never reach a log: a BSN, a name, an invite code."""
    api = BotAPI(TOKEN, username="lokaal_bot")
    for text in (f"/start {CODE}", f"mijn bsn is {BSN}", "hallo"):
        api.type_text(78, text, first_name=NAME)
    with served(api) as stand_in:
        code, output = _run_bot(stand_in.url, tmp_path, TOKEN, lambda: len(stand_in.sent_to(78)) >= 3)
    assert code == 0, output[-3000:]
    assert "DEBUG" in output  # the level really was DEBUG
    for secret in (BSN, "Fatima", CODE, CODE.replace("-", ""), TOKEN, "hallo"):
        assert secret not in output, (secret, [line for line in output.splitlines() if secret in line][:3])


def test_a_rejected_token_is_named_nowhere(tmp_path: Path) -> None:
    with served(BotAPI("424242:ANOTHER-TOKEN")) as stand_in:  # Telegram answers 401 to ours
        code, output = _run_bot(stand_in.url, tmp_path, TOKEN, None)
    assert code == 2
    assert TOKEN not in output and "LOCAL-TEST-TOKEN" not in output, output[-2000:]
    assert "Traceback" not in output
    assert "token" in output.lower()  # but it says what is wrong


# -- start-up faults, one active process, standby --------------------------------------------------


def _start(tmp_path: Path, name: str, api: str, database_url: str) -> tuple[subprocess.Popen[bytes], Path]:
    env = {
        **os.environ,
        "SCHULDHULPBOT_TOKEN": TOKEN,
        "SCHULDHULPBOT_API_BASE_URL": api,
        "SCHULDHULPBOT_DATABASE_URL": database_url,
        "SCHULDHULPBOT_LOG_LEVEL": "INFO",
    }
    env.pop("SCHULDHULPBOT_CONFIG", None)
    log = tmp_path / f"{name}.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT
        )
    return proc, log


def _wait_for(log: Path, text: str, timeout: float, count: int = 1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text().count(text) >= count:
            return True
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_with_telegram_unreachable_run_tries_again_with_one_line_per_try(
    tmp_path: Path, stop: signal.Signals
) -> None:
    proc, log = _start(tmp_path, "down", "http://127.0.0.1:9/bot", f"sqlite:///{tmp_path}/down.db")
    try:
        assert _wait_for(log, "niet bereikbaar", 30, count=2), log.read_text()[-2000:]
    finally:
        proc.send_signal(stop)  # during the wait (4 s): stops at once, not after it
        started = time.monotonic()
        code = proc.wait(timeout=30)
        assert time.monotonic() - started < 3
    output = log.read_text()
    assert code == 0, output[-2000:]
    assert (
        "Telegram of de database is niet bereikbaar (NetworkError); nieuwe poging over 2 seconden." in output
    )
    assert "nieuwe poging over 4 seconden" in output
    assert "Traceback" not in output and TOKEN not in output


def test_a_second_run_on_the_same_sqlite_file_is_refused(local_api: ServedBotAPI, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/one.db"
    first, first_log = _start(tmp_path, "first", local_api.url, database)
    try:
        assert _wait_for(first_log, "schuldhulpbot ready", 60), first_log.read_text()[-2000:]
        second, second_log = _start(tmp_path, "second", local_api.url, database)
        assert second.wait(timeout=60) == 2
        assert "Er draait al een schuldhulpbot op deze database" in second_log.read_text()
    finally:
        assert _stop(first) == 0


@pytest.mark.skipif(
    not os.environ.get("SCHULDHULPBOT_TEST_POSTGRES_URL"),
    reason="PostgreSQL not configured (SCHULDHULPBOT_TEST_POSTGRES_URL)",
)
def test_on_postgresql_a_second_run_stands_by_and_takes_over_after_kill_9(
    local_api: ServedBotAPI, tmp_path: Path
) -> None:
    database = os.environ["SCHULDHULPBOT_TEST_POSTGRES_URL"]
    active, active_log = _start(tmp_path, "active", local_api.url, database)
    standby = None
    try:
        assert _wait_for(active_log, "schuldhulpbot ready", 60), active_log.read_text()[-2000:]
        standby, standby_log = _start(tmp_path, "standby", local_api.url, database)
        assert _wait_for(standby_log, "stand-by: een andere schuldhulpbot is actief", 60), (
            standby_log.read_text()
        )
        assert "schuldhulpbot ready" not in standby_log.read_text()  # it does not poll meanwhile
        active.kill()  # kill -9: no goodbye, the lock goes with the connection
        active.wait()
        started = time.monotonic()
        assert _wait_for(standby_log, "schuldhulpbot ready", 15), standby_log.read_text()[-2000:]
        assert time.monotonic() - started < 15
    finally:
        _stop(active)
        if standby is not None:
            assert _stop(standby) == 0


@pytest.mark.skipif(
    not os.environ.get("SCHULDHULPBOT_TEST_POSTGRES_URL"),
    reason="PostgreSQL not configured (SCHULDHULPBOT_TEST_POSTGRES_URL)",
)
def test_twenty_submissions_with_the_active_one_killed_halfway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twenty /uitnodigen (each stores an invite and confirms it with its code) while the active
    process is killed with -9 halfway: the standby takes the rest, and every confirmed invite
    exists exactly once; none is made twice, also not from an update Telegram hands out again."""
    import asyncio
    import re

    from sqlalchemy import text

    from bot.db import create_engine

    database = os.environ["SCHULDHULPBOT_TEST_POSTGRES_URL"]
    monkeypatch.setenv("SCHULDHULPBOT_DATABASE_URL", database)
    assert main(["invite", "--rol", "beheerder"]) == 0

    async def forget_wrong_codes() -> None:  # earlier tests on this database tried many on purpose
        engine = create_engine(database)
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM code_attempts"))
        await engine.dispose()

    asyncio.run(forget_wrong_codes())
    code = re.search(r"Uitnodigingscode: (\S+)", capsys.readouterr().out)
    assert code is not None
    chat = 500_000 + os.getpid() % 100_000  # a Telegram id of its own in the shared database
    start_id = 1_000_000 + (os.getpid() % 1000) * 1000  # and update ids of its own
    # Telegram's queue, handed out two at a time, each update kept until a later call confirms it
    api = BotAPI(TOKEN, username="lokaal_bot", first_update_id=start_id, batch=2)
    api.type_text(chat, f"/start {code.group(1)}", first_name="Ben")
    for _ in range(20):
        api.type_text(chat, "/uitnodigen partner drunen")

    def confirmed() -> list[str]:
        texts = [m.text for m in api.messages(chat) if m.from_bot]
        return [m.group(1) for t in texts if (m := re.search(r"start=(\w+)", t))]

    api.hold_after = start_id + 10  # the first ten only, until the active one is gone
    with served(api) as stand_in:
        active, active_log = _start(tmp_path, "active", stand_in.url, database)
        standby = None
        try:
            assert _until(lambda: len(confirmed()) >= 10, 60), active_log.read_text()[-800:]
            standby, standby_log = _start(tmp_path, "standby", stand_in.url, database)
            assert _wait_for(standby_log, "stand-by", 60), standby_log.read_text()[-2000:]
            active.kill()
            active.wait()
            for update in reversed(api.handed_out[-2:]):  # handed out again, as to a webhook that failed
                api.enqueue_raw(update)
            api.hold_after = None
            log = standby_log
            assert _until(lambda: len(confirmed()) >= 20, 60), log.read_text()[-2000:]
            assert _until(lambda: "handled before; skipped" in log.read_text(), 10), log.read_text()[-2000:]
            time.sleep(1)  # anything still in flight at the standby
        finally:
            _stop(active)
            if standby is not None:
                _stop(standby)

    async def invites_made() -> int:
        engine = create_engine(database)
        async with engine.connect() as conn:
            n = await conn.scalar(
                text(
                    "SELECT count(*) FROM invites WHERE created_by_id = "
                    "(SELECT id FROM users WHERE telegram_id = :chat)"
                ),
                {"chat": chat},
            )
        await engine.dispose()
        return int(n or 0)

    codes = confirmed()
    made = asyncio.run(invites_made())
    assert len(codes) == len(set(codes))  # no confirmation twice
    assert len(codes) <= made <= 20  # every confirmed one exists; none made twice
    assert made - len(codes) <= 1  # at most the one the kill cut off before its confirmation
    assert len(codes) >= 19  # the standby carried on with the rest


def _until(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(
    not os.environ.get("SCHULDHULPBOT_TEST_POSTGRES_URL"),
    reason="PostgreSQL not configured (SCHULDHULPBOT_TEST_POSTGRES_URL)",
)
def test_losing_the_active_lock_stops_the_process_with_exit_code_1(
    local_api: ServedBotAPI, tmp_path: Path
) -> None:
    """The lock's connection cut by the database: the process stops (a supervisor restarts it as a
    standby) instead of running on without the lock."""
    import asyncio

    from sqlalchemy import text

    from bot.db import create_engine
    from bot.leadership import ACTIVE_LOCK

    database = os.environ["SCHULDHULPBOT_TEST_POSTGRES_URL"]
    active, log = _start(tmp_path, "active", local_api.url, database)
    try:
        assert _wait_for(log, "schuldhulpbot ready", 60), log.read_text()[-2000:]

        async def cut() -> int:
            engine = create_engine(database)
            async with engine.connect() as conn:
                n = await conn.scalar(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                        "WHERE locktype = 'advisory' AND classid = 0 AND objid = :key"
                    ),
                    {"key": ACTIVE_LOCK},
                )
            await engine.dispose()
            return int(n or 0)

        assert asyncio.run(cut()) == 1
        assert active.wait(timeout=15) == 1, log.read_text()[-2000:]
    finally:
        if active.poll() is None:
            _stop(active)
