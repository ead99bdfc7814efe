"""`schuldhulpbot demo` without a browser: the Bot API stand-in's checks, the demo world, the
page's API with bad input, time moving forward, files, and starting again on the same file."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli import main
from handlers.demo.botapi import BotAPI, BotAPIError, Message, check_markup, check_text, utf16_length
from handlers.demo.run import Demo, DemoDatabaseTaken, running_demo
from handlers.demo.web import display_html

PARTNER, KLANTMANAGER, TEAMLEIDER = 1001, 1002, 1004

# -- Telegram's checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>vet</b> &amp; &lt;tag&gt; &#128512;", None),
        ("a & b", "Can't find end of the entity starting at byte offset 2"),
        ("&nbsp;", "Can't find end of the entity"),
        ("3 < 4", "Unsupported start tag"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>open", "unclosed tag"),
        ("<b><i>x</b></i>", 'Unexpected end tag "b"'),
        ("<b> </b>", "message text is empty"),
    ],
)
def test_html_as_telegram_parses_it(text: str, error: str | None) -> None:
    if error is None:
        assert check_text(text, "HTML") == "vet & <tag> 😀"
        return
    with pytest.raises(BotAPIError) as caught:
        check_text(text, "HTML")
    assert caught.value.code == 400 and error in caught.value.description


def test_length_counts_utf16_code_units() -> None:
    assert utf16_length("😀") == 2 and utf16_length("é") == 1
    check_text("a" * 4096, None)
    check_text("😀" * 2048, None)
    for too_long in ("a" * 4097, "😀" * 2048 + "a"):
        with pytest.raises(BotAPIError, match="message is too long"):
            check_text(too_long, None)
    with pytest.raises(BotAPIError, match="caption is too long"):
        check_text("a" * 1025, None, 1024, caption=True)


def test_callback_data_at_most_64_bytes() -> None:
    ok = {"inline_keyboard": [[{"text": "ja", "callback_data": "x" * 64}]]}
    assert check_markup(ok) == ok
    for data in ("x" * 65, "é" * 33, ""):  # 66 bytes; empty data is no button either
        with pytest.raises(BotAPIError, match="BUTTON_DATA_INVALID"):
            check_markup({"inline_keyboard": [[{"text": "ja", "callback_data": data}]]})
    with pytest.raises(BotAPIError):
        check_markup({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]})


async def test_the_bot_api_calls() -> None:
    api = BotAPI("1:T")
    assert (await api.call("2:X", "getMe", {}))[0] == 401
    assert (await api.call("1:T", "noSuchMethod", {}))[0] == 404
    status, body = await api.call(
        "1:T",
        "sendMessage",
        {
            "chat_id": 5,
            "text": "kies",
            "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
        },
    )
    assert status == 200 and body["result"]["message_id"] == 1
    assert api.press(5, 1, "b") is None  # no such button
    query = api.press(5, 1, "a")
    assert query is not None and not api.answered(query)
    assert (await api.call("1:T", "answerCallbackQuery", {"callback_query_id": query, "text": "Klaar"}))[
        0
    ] == 200
    assert api.answered(query) and api.notices[-1].text == "Klaar"
    status, body = await api.call("1:T", "answerCallbackQuery", {"callback_query_id": query})
    assert status == 400 and "query is too old" in body["description"]
    same = {"chat_id": 5, "message_id": 1, "text": "kies", "reply_markup": api.find(5, 1).reply_markup}  # type: ignore[union-attr]
    assert (await api.call("1:T", "editMessageText", same))[1][
        "description"
    ] == "Bad Request: message is not modified"
    assert (await api.call("1:T", "editMessageText", {**same, "message_id": 9}))[0] == 400
    edited = {**same, "text": "gekozen", "reply_markup": None}
    assert (await api.call("1:T", "editMessageText", edited))[0] == 200
    assert api.find(5, 1).text == "gekozen" and api.find(5, 1).buttons == []  # type: ignore[union-attr]
    assert (await api.call("1:T", "sendPhoto", {"chat_id": 5}))[0] == 400  # no photo in the request


async def test_get_updates_keeps_each_update_until_a_later_offset_confirms_it() -> None:
    api = BotAPI("1:T", first_update_id=100, batch=2)
    for text in ("/start", "een", "twee"):
        api.type_text(9, text, first_name="Ben")
    first = (await api.call("1:T", "getUpdates", {"offset": 0}))[1]["result"]
    assert [u["update_id"] for u in first] == [100, 101]
    assert first[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    again = (await api.call("1:T", "getUpdates", {"offset": 0}))[1]["result"]
    assert [u["update_id"] for u in again] == [100, 101]  # not confirmed yet: handed out again
    rest = (await api.call("1:T", "getUpdates", {"offset": 102}))[1]["result"]
    assert [u["update_id"] for u in rest] == [102]
    api.hold_after = 102
    api.type_text(9, "drie")
    assert (await api.call("1:T", "getUpdates", {"offset": 103, "timeout": 0}))[1]["result"] == []
    assert api.offsets == [0, 0, 102, 103]


async def test_the_menu_is_the_chats_own_then_the_default() -> None:
    api = BotAPI("1:T")
    one = [{"command": "help", "description": "uitleg"}]
    await api.call("1:T", "setMyCommands", {"commands": one})
    await api.call(
        "1:T",
        "setMyCommands",
        {"commands": [{"command": "status", "description": "s"}], "scope": {"type": "chat", "chat_id": 3}},
    )
    assert api.menu(3) == [{"command": "status", "description": "s"}]
    assert api.menu(4) == one
    status, _ = await api.call(
        "1:T", "setMyCommands", {"commands": [{"command": "Met Spatie", "description": "x"}]}
    )
    assert status == 400


def test_the_page_shows_the_bots_html_safely() -> None:
    def shown(html: str) -> str:
        return display_html(Message(1, 1, html, True, 0))

    assert shown("<b>SH-1</b> &amp; <i>x</i>") == "<b>SH-1</b> &amp; <i>x</i>"
    assert shown('<a href="javascript:alert(1)">x</a>').startswith('<a href="#"')
    assert "onclick" not in shown('<b onclick="x()">y</b>')
    assert display_html(Message(1, 1, "<script>x</script>", False, 0)) == "&lt;script&gt;x&lt;/script&gt;"


# -- the running demo ----------------------------------------------------------------------------


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    async with running_demo(tmp_path / "demo.db", port=0) as running:
        yield running


async def _until(check: Any) -> None:
    """Wait (at most 20 s) until the bot has done what `check` looks for."""
    for _ in range(400):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def _bot_texts(demo: Demo, chat: int) -> list[str]:
    return [m.text for m in demo.api.messages(chat) if m.from_bot]


async def _press(demo: Demo, chat: int, label: str) -> None:
    def newest() -> Message | None:  # the newest message with buttons, when it has this one
        with_buttons = [m for m in demo.api.messages(chat) if m.buttons]
        return (
            with_buttons[-1] if with_buttons and label in (b for b, _ in with_buttons[-1].buttons) else None
        )

    await _until(newest)
    message = newest()
    assert message is not None
    data = next(d for b, d in message.buttons if b == label)
    query = demo.api.press(chat, message.message_id, data)
    assert query is not None
    await _until(lambda: demo.api.answered(query))


async def _say(demo: Demo, chat: int, text: str) -> None:
    before = len(_bot_texts(demo, chat))
    demo.api.type_text(chat, text)
    await _until(lambda: len(_bot_texts(demo, chat)) > before)


async def test_the_demo_world_and_its_page(demo: Demo) -> None:
    await _until(lambda: all(_bot_texts(demo, c) for c in (1001, 1002, 1003, 1004, 1005)))
    assert _bot_texts(demo, PARTNER)[0] == "Welkom terug, Sanne Bakker."
    # the overdue vroegsignaal of the demo world: the klantmanager and the teamleider hear of it
    assert any("is verlopen op" in t for t in _bot_texts(demo, KLANTMANAGER))
    assert any("Behandelaar: Karim Haddou" in t for t in _bot_texts(demo, TEAMLEIDER))
    async with aiohttp.ClientSession() as http:
        page = await (await http.get(demo.url)).text()
        for label in (
            "medewerker voorliggend veld",
            "klantmanager",
            "budgetcoach",
            "teamleider",
            "functioneel beheerder",
        ):
            assert f"<h2>{label}</h2>" in page
        state = await (await http.get(demo.url + "api/stand")).json()
        assert [c["command"] for c in state["menus"]["1001"]][:2] == ["melding", "vraag"]
        assert "export" in [c["command"] for c in state["menus"]["1004"]]
        assert state["chats"]["1001"][0]["html"] == "/start"

        async def refused(path: str, body: object, status: int, text: str) -> None:
            before = demo.api.pending(), demo.api.version
            response = await http.post(demo.url + path, json=body)
            assert response.status == status and (await response.json())["fout"] == text
            assert (demo.api.pending(), demo.api.version) == before  # nothing changed

        await refused("api/stuur", {"chat": 9999, "tekst": "/help"}, 400, "Onbekende kolom.")
        await refused(
            "api/stuur", {"chat": PARTNER, "tekst": "   "}, 400, "Typ een bericht van 1 tot 4.096 tekens."
        )
        await refused(
            "api/stuur",
            {"chat": PARTNER, "tekst": "x" * 4097},
            400,
            "Typ een bericht van 1 tot 4.096 tekens.",
        )
        await refused("api/stuur", ["geen", "object"], 400, "Ongeldig verzoek.")
        await refused(
            "api/druk", {"chat": PARTNER, "bericht": 1, "data": "mc:x"}, 409, "Deze knop bestaat niet meer."
        )
        await refused("api/tijd", {"stap": "eeuw"}, 400, "Kies een werkdag of een week.")
        assert (await http.get(demo.url + "api/bestand/1001/999")).status == 404

        # /status: the figures and the chart, downloadable as PNG
        await _say(demo, TEAMLEIDER, "/status")
        await _until(lambda: any(m.kind == "photo" for m in demo.api.messages(TEAMLEIDER)[-3:]))
        photo = next(m for m in reversed(demo.api.messages(TEAMLEIDER)) if m.kind == "photo")
        response = await http.get(f"{demo.url}api/bestand/{TEAMLEIDER}/{photo.message_id}")
        assert response.content_type == "image/png" and (await response.read())[:4] == b"\x89PNG"
        # /export: the quarterly workbook, as a download
        quarter = demo.runtime.deps.today()
        await _say(demo, TEAMLEIDER, f"/export {quarter.year}-K{(quarter.month - 1) // 3 + 1}")
        await _until(lambda: any(m.kind == "document" for m in demo.api.messages(TEAMLEIDER)))
        sheet = next(m for m in demo.api.messages(TEAMLEIDER) if m.kind == "document")
        response = await http.get(f"{demo.url}api/bestand/{TEAMLEIDER}/{sheet.message_id}")
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert (await response.read())[:2] == b"PK"  # a zip: the XLSX


async def test_a_melding_picked_up_and_its_reminder_after_moving_time(demo: Demo) -> None:
    await _until(lambda: _bot_texts(demo, PARTNER))
    await _say(demo, PARTNER, "/melding")
    for label in ("vroegsignalering (RIS)", "Sociaal wijkteam Drunen ✓", "Vandaag"):
        await _press(demo, PARTNER, label)
    await _say(demo, PARTNER, "RIS-2001")
    for label in ("huur", "Woonveste", "Nee", "Nee", "Overslaan", "Versturen"):
        await _press(demo, PARTNER, label)
    await _until(lambda: "Melding verstuurd" in _bot_texts(demo, PARTNER)[-1])
    found = re.search(r"Melding verstuurd: (SH-\d{4}-\d{4})", _bot_texts(demo, PARTNER)[-1])
    assert found is not None
    ref = found.group(1)
    await _until(lambda: any(f"Nieuwe melding {ref}" in t for t in _bot_texts(demo, KLANTMANAGER)))
    await _press(demo, KLANTMANAGER, "Oppakken")
    await _until(lambda: f"{ref} is opgepakt door Karim Haddou." in _bot_texts(demo, PARTNER))

    before = demo.clock()
    async with aiohttp.ClientSession() as http:
        moved = await (await http.post(demo.url + "api/tijd", json={"stap": "werkdag"})).json()
    assert demo.runtime.deps.calendar.is_working_day(demo.runtime.deps.calendar.local(demo.clock()).date())
    assert demo.clock() > before and moved["clock"].endswith("09:00")
    assert not any(f"Herinnering {ref}" in t for t in _bot_texts(demo, KLANTMANAGER))
    await demo.forward("week")
    await demo.forward("week")
    reminders = [t for t in _bot_texts(demo, KLANTMANAGER) if f"Herinnering {ref}" in t]
    assert reminders and reminders[0].endswith("Nog 3 werkdagen.")
    assert len(reminders) == len(set(reminders))  # each once


async def test_two_presses_at_once_move_two_weeks_one_after_the_other(demo: Demo) -> None:
    """Two "+1 week" requests at once (two tabs): the second waits for the first, so no day is
    skipped and nothing comes twice."""
    await _until(lambda: _bot_texts(demo, KLANTMANAGER))
    calendar = demo.runtime.deps.calendar
    start = calendar.local(demo.clock()).date()
    await asyncio.gather(demo.forward("week"), demo.forward("week"))
    assert (calendar.local(demo.clock()).date() - start).days >= 14
    lists = [m for m in demo.api.messages(KLANTMANAGER) if m.text.startswith("Verlopen termijn")]
    days = [calendar.local(datetime.fromtimestamp(m.date, UTC)).date() for m in lists]
    assert len(days) == len(set(days)) >= 10  # the daily list on every working day, once
    overviews = [m for m in demo.api.messages(TEAMLEIDER) if m.text.startswith("📊 Status")]
    sent = [calendar.local(datetime.fromtimestamp(m.date, UTC)).date() for m in overviews]
    later = [day for day in sent if day > start]  # the start day's may be a week's missed one
    assert [day.weekday() for day in later] == [0] * len(later) and len(later) >= 2  # on its Monday
    assert len({day.isocalendar()[1] for day in sent}) == len(sent)  # one a week
    texts = [(m.date, m.text) for m in demo.api.messages(KLANTMANAGER) if m.from_bot]
    assert len(texts) == len(set(texts))


async def test_only_this_page_may_drive_the_demo(demo: Demo) -> None:
    url = demo.url + "api/stuur"
    body = {"chat": PARTNER, "tekst": "/help"}

    async def refused(status: int, text: str, path: str = "api/stuur", **request: Any) -> None:
        before = demo.api.pending(), demo.api.version
        async with aiohttp.ClientSession() as http, http.post(demo.url + path, **request) as response:
            assert response.status == status and (await response.json())["fout"] == text
        assert (demo.api.pending(), demo.api.version) == before

    elsewhere = "Deze demo is alleen op deze computer te gebruiken."
    await refused(403, elsewhere, json=body, headers={"Origin": "https://evil.example"})
    await refused(403, elsewhere, json=body, headers={"Host": "evil.example"})  # DNS rebinding
    await refused(
        415,
        "Ongeldig verzoek.",
        data='{"chat": 1001, "tekst": "/help"}',
        headers={"Content-Type": "text/plain"},
    )
    await refused(400, "Ongeldig verzoek.", data="{niet: json", headers={"Content-Type": "application/json"})
    await refused(413, "Ongeldig verzoek.", json={"chat": PARTNER, "tekst": "x" * 70_000})
    for wrong in (None, 42, {"a": 1}, ["/help"]):
        await refused(400, "Typ een bericht van 1 tot 4.096 tekens.", json={"chat": PARTNER, "tekst": wrong})
    for chat in (True, 1001.5, None, "abc"):
        await refused(400, "Onbekende kolom.", json={"chat": chat, "tekst": "/help"})
    await refused(400, "Ongeldig verzoek.", "api/druk", json={"chat": PARTNER, "bericht": 1, "data": 5})
    await refused(400, "Kies een werkdag of een week.", "api/tijd", json={"stap": ["week"]})
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers={"Origin": demo.url.rstrip("/")}) as ok,
    ):
        assert ok.status == 200  # the page itself


async def test_the_demo_speaks_english_when_asked(tmp_path: Path) -> None:
    async with running_demo(tmp_path / "en.db", port=0, language="en") as demo:
        await _until(lambda: _bot_texts(demo, PARTNER))
        assert _bot_texts(demo, PARTNER)[0] == "Welcome back, Sanne Bakker."
        assert demo.api.menu(PARTNER, "en")[0]["description"].startswith("refer a resident")
        async with aiohttp.ClientSession() as http:
            page = await (await http.get(demo.url)).text()
        assert "Schuldhulpbot, demo without Telegram" in page and "<h2>budget coach</h2>" in page


async def test_the_budgetcoach_has_a_question_waiting(demo: Demo) -> None:
    await _until(lambda: _bot_texts(demo, 1003))
    await demo.forward("werkdag")
    assert any("VR-" in t and "wacht sinds" in t for t in _bot_texts(demo, 1003))


async def test_the_same_file_goes_on_and_a_real_database_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    async with running_demo(database, port=0) as first:
        await _until(lambda: _bot_texts(first, PARTNER))
        await first.forward("week")
        moved_to = first.clock()
    async with running_demo(database, port=0) as again:
        assert again.clock() >= moved_to  # the demo clock kept its place
        await _say(again, PARTNER, "/zaken")
        assert "SH-" in _bot_texts(again, PARTNER)[-1]  # the same world, not a second one
    other = tmp_path / "echt.db"
    other.write_bytes(b"")
    with pytest.raises(DemoDatabaseTaken):
        async with running_demo(other, port=0):
            pass


def test_the_command_refuses_a_file_that_is_not_a_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "schuldhulpbot.db"
    real.write_bytes(b"SQLite format 3\x00")
    monkeypatch.delenv("SCHULDHULPBOT_TOKEN", raising=False)
    assert main(["demo", "--database", str(real), "--poort", "0"]) == 2
    assert "bestaat al en is geen demodatabase" in capsys.readouterr().err
    assert real.read_bytes() == b"SQLite format 3\x00"


@pytest.mark.parametrize(
    ("now", "start"),
    [
        ("2026-12-07 13:29", "2026-12-07 13:29"),  # Monday afternoon: now
        ("2026-12-07 08:45", "2026-12-07 08:45"),  # in office hours already
        ("2026-12-07 08:00", "2026-12-07 09:00"),  # before opening: nine today
        ("2026-12-07 16:30", "2026-12-08 09:00"),  # late: the next working day
        ("2026-12-11 17:00", "2026-12-14 09:00"),  # Friday evening: Monday
        ("2026-12-12 11:00", "2026-12-14 09:00"),  # Saturday
        ("2026-12-24 16:05", "2026-12-28 09:00"),  # Christmas and the weekend in between
    ],
)
def test_where_the_demo_clock_starts(now: str, start: str) -> None:
    from zoneinfo import ZoneInfo

    from bot.config import load_config
    from bot.demo_world import demo_start
    from bot.services.common import Deps

    ams = ZoneInfo("Europe/Amsterdam")
    deps = Deps.from_config(load_config(), "Europe/Amsterdam")
    moment = datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=ams)
    assert demo_start(deps, moment).astimezone(ams).strftime("%Y-%m-%d %H:%M") == start


async def test_by_default_the_demo_file_is_gone_afterwards() -> None:
    async with running_demo(None, port=0) as demo:
        database = demo.database
        assert database.exists()
    assert not database.exists()


def test_a_port_in_use_is_named_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    import socket
    import time

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        started = time.monotonic()
        assert main(["demo", "--poort", str(taken.getsockname()[1])]) == 2
        assert time.monotonic() - started < 5  # before the demo world is made
    assert "De bot kan niet starten" in capsys.readouterr().err
