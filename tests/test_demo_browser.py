"""`schuldhulpbot demo` in a real headless browser: Debian's Chromium, driven by Playwright.

Skipped when no Chromium is installed (`.ci/run` installs the Debian package). With
SCHULDHULPBOT_SCREENSHOT=<file> the test also writes its last screenshot there: that is how the
README's picture is made.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian package chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    """`schuldhulpbot demo` as a real process, on a free port, in its own SQLite file."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHULDHULPBOT_")}
    log = tmp_path / "demo.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "demo",
                "--poort",
                str(port),
                "--database",
                str(tmp_path / "demo.db"),
            ],
            env=env,
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "De demo draait" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            assert proc.wait(timeout=30) == 0, log.read_text()[-3000:]
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def test_a_melding_from_partner_to_reminder_in_the_browser(demo_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1700, "height": 1000})
        page.goto(demo_url)
        partner = page.locator('.chat[data-chat="1001"]')
        km = page.locator('.chat[data-chat="1002"]')
        leader = page.locator('.chat[data-chat="1004"]')
        expect(partner.locator("h2")).to_have_text("medewerker voorliggend veld")
        expect(km.locator("h2")).to_have_text("klantmanager")
        expect(partner.locator(".messages")).to_contain_text("Welkom terug, Sanne Bakker", timeout=20_000)
        expect(km.locator(".messages")).to_contain_text("Welkom terug, Karim Haddou")

        def press(column: object, label: str) -> None:
            column.locator(".keyboard button", has_text=re.compile(f"^{re.escape(label)}$")).last.click()  # type: ignore[attr-defined]

        # the partner opens the menu and chooses /melding, as in Telegram's command menu
        partner.locator(".menu-button").click()
        partner.locator(".menu button", has_text="/melding").click()
        expect(partner.locator(".messages")).to_contain_text("Welke categorie?")
        press(partner, "vroegsignalering (RIS)")
        expect(partner.locator(".messages")).to_contain_text("Voor welk wijkteam?")
        press(partner, "Sociaal wijkteam Drunen ✓")
        expect(partner.locator(".messages")).to_contain_text("datum van de melding in RIS")
        press(partner, "Vandaag")
        expect(partner.locator(".messages")).to_contain_text("RIS-nummer")
        partner.locator("input").fill("RIS-2001")
        partner.locator("input").press("Enter")
        expect(partner.locator(".messages")).to_contain_text("signaalpartner")
        press(partner, "huur")
        expect(partner.locator(".messages")).to_contain_text("Van welke organisatie?")
        press(partner, "Woonveste")
        expect(partner.locator(".messages")).to_contain_text("crisissignaal")
        press(partner, "Nee")
        expect(partner.locator(".messages")).to_contain_text("warme overdracht")
        press(partner, "Nee")
        expect(partner.locator(".messages")).to_contain_text("Beschrijf de situatie kort")
        press(partner, "Overslaan")
        expect(partner.locator(".messages")).to_contain_text("Klopt dit?")
        press(partner, "Versturen")
        expect(partner.locator(".messages")).to_contain_text("Melding verstuurd")
        found = re.search(r"Melding verstuurd: (SH-\d{4}-\d{4})", partner.locator(".messages").inner_text())
        assert found is not None
        ref = found.group(1)
        expect(partner.locator(".messages")).to_contain_text("Karim Haddou (klantmanager) pakt het op.")

        # the klantmanager sees it come in and picks it up
        expect(km.locator(".messages")).to_contain_text(f"Nieuwe melding {ref}")
        press(km, "Oppakken")
        expect(km.locator(".messages")).to_contain_text("Status: opgepakt; bij Karim Haddou (klantmanager)")
        expect(partner.locator(".messages")).to_contain_text(f"{ref} is opgepakt door Karim Haddou")

        # the teamleider asks /status and gets the figures and the chart
        leader.locator("input").fill("/status")
        leader.locator("input").press("Enter")
        expect(leader.locator(".messages")).to_contain_text("Binnen de termijn")
        chart = leader.locator(".bubble img").last
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.complete && img.naturalWidth") == 1210

        # two weeks on: three working days before the two weeks are up, the reminder comes
        before = page.locator("#clock").inner_text()
        page.locator('[data-step="week"]').click()
        expect(page.locator("#clock")).not_to_have_text(before, timeout=30_000)
        expect(page.locator('[data-step="week"]')).to_be_enabled(timeout=30_000)
        assert f"Herinnering {ref}" not in km.locator(".messages").inner_text()  # not yet after one week
        page.locator('[data-step="week"]').click()
        expect(km.locator(".messages")).to_contain_text(
            f"Herinnering {ref}: Vroegsignalering", timeout=30_000
        )
        expect(km.locator(".messages")).to_contain_text("Nog 3 werkdagen.")
        expect(page.locator('[data-step="week"]')).to_be_enabled(timeout=30_000)
        km.locator(".messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")

        shot = tmp_path / "demo.png"
        page.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        wanted = os.environ.get("SCHULDHULPBOT_SCREENSHOT")
        if wanted:
            shutil.copyfile(shot, wanted)
        browser.close()
