"""The deployment files in .deploy/: what they must hold (docker cannot run here), and their start
command run as it is, without a container: /gezond says which replica is active."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.localapi import TOKEN, ServedBotAPI

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / ".deploy"


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined, comments left out."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _final_stage() -> list[tuple[str, str]]:
    steps = _dockerfile()
    last = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last:]


def test_the_image_runs_the_wheel_as_a_non_root_user_with_a_healthcheck() -> None:
    final = dict(_final_stage())
    assert final["USER"] not in ("root", "0")
    assert "pip install" in final["RUN"] and "/wheels/*.whl" in final["RUN"]
    assert "/gezond" in final["HEALTHCHECK"] and "SCHULDHULPBOT_HEALTH_PORT" in final["HEALTHCHECK"]
    assert final["ENTRYPOINT"] == '["schuldhulpbot"]' and final["CMD"] == '["run"]'
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["schuldhulpbot"] == "bot.cli:main"  # the entrypoint the wheel installs
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_compose_has_postgresql_and_two_bot_replicas() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    database, bot = compose["services"]["database"], compose["services"]["bot"]
    assert database["image"].startswith("postgres:") and "healthcheck" in database
    assert bot["deploy"]["replicas"] == 2 and bot["command"] == ["run"]
    assert bot["depends_on"]["database"]["condition"] == "service_healthy"
    assert bot["environment"]["SCHULDHULPBOT_DATABASE_URL"].startswith("postgresql://")
    assert bot["build"]["dockerfile"] == ".deploy/Dockerfile"


def test_the_systemd_unit_upgrades_first_and_restarts_on_failure() -> None:
    unit = dict(
        line.split("=", 1)
        for line in (DEPLOY / "schuldhulpbot.service").read_text().splitlines()
        if "=" in line
    )
    assert unit["ExecStartPre"].endswith("schuldhulpbot db upgrade")
    assert unit["ExecStart"].endswith("schuldhulpbot run")
    assert unit["User"] != "root" and unit["Restart"] == "on-failure" and unit["KillSignal"] == "SIGTERM"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/gezond", timeout=2) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return 0


def _container_command(api: str, database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """The image's ENTRYPOINT and CMD with its ENV, as a plain process (the console script)."""
    final = dict(_final_stage())
    command = [Path(sys.executable).with_name(yaml.safe_load(final["ENTRYPOINT"])[0])]
    command += yaml.safe_load(final["CMD"])
    env = {**os.environ, **dict(pair.split("=", 1) for pair in shlex.split(final["ENV"]))}
    env.update(
        SCHULDHULPBOT_TOKEN=TOKEN,
        SCHULDHULPBOT_API_BASE_URL=api,
        SCHULDHULPBOT_DATABASE_URL=database_url,
        SCHULDHULPBOT_HEALTH_PORT=str(port),
        SCHULDHULPBOT_WEBHOOK_LISTEN="127.0.0.1",
    )
    env.pop("SCHULDHULPBOT_CONFIG", None)
    with log.open("w") as sink:
        return subprocess.Popen(command, env=env, cwd=log.parent, stdout=sink, stderr=subprocess.STDOUT)


def _until(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def test_the_container_command_runs_and_reports_healthy(local_api: ServedBotAPI, tmp_path: Path) -> None:
    port = _free_port()
    proc = _container_command(local_api.url, f"sqlite:///{tmp_path}/bot.db", port, tmp_path / "bot.log")
    try:
        assert _until(lambda: _health(port) == 200, 60), (tmp_path / "bot.log").read_text()[-2000:]
    finally:
        assert _stop(proc) == 0


@pytest.mark.skipif(
    not os.environ.get("SCHULDHULPBOT_TEST_POSTGRES_URL"),
    reason="PostgreSQL not configured (SCHULDHULPBOT_TEST_POSTGRES_URL)",
)
def test_two_replicas_one_healthy_one_standing_by(local_api: ServedBotAPI, tmp_path: Path) -> None:
    database = os.environ["SCHULDHULPBOT_TEST_POSTGRES_URL"]
    first_port, second_port = _free_port(), _free_port()
    first = _container_command(local_api.url, database, first_port, tmp_path / "first.log")
    second = None
    try:
        assert _until(lambda: _health(first_port) == 200, 60), (tmp_path / "first.log").read_text()[-2000:]
        second = _container_command(local_api.url, database, second_port, tmp_path / "second.log")
        assert _until(lambda: _health(second_port) == 503, 60), (tmp_path / "second.log").read_text()[-2000:]
        assert _stop(first) == 0  # a clean stop frees the lock at once
        assert _until(lambda: _health(second_port) == 200, 15), (tmp_path / "second.log").read_text()[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            assert _stop(second) == 0
