"""The wheel carries the compiled catalogs, the default config and the migrations, and works
installed outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("schuldhulpbot-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "bot/locales/nl/LC_MESSAGES/schuldhulpbot.mo",
        "bot/locales/en/LC_MESSAGES/schuldhulpbot.mo",
        "bot/default_config.toml",
        "bot/migrations/env.py",
        "bot/migrations/script.py.mako",
        "bot/migrations/versions/0001_initial_schema.py",
        "handlers/__init__.py",
        "scheduler/__init__.py",
    ):
        assert required in names, required
    assert not any(n.endswith(".po") or n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "schuldhulpbot = bot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_works_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "SCHULDHULPBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    env.pop("SCHULDHULPBOT_CONFIG", None)
    probe = (
        "import bot, bot.i18n as i;"
        f"assert bot.__file__.startswith({str(site)!r}), bot.__file__;"
        "assert not i._CHECKOUT.joinpath('en').exists();"
        "print(i.gettext('Kies een wijkteam.', 'en'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "Choose a neighbourhood team."
    for args in (["config", "check"], ["db", "upgrade"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "x.db").exists()
