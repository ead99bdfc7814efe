"""The demo's web page: one chat column per role, served by aiohttp on 127.0.0.1.

The page is server-rendered HTML plus one small script (no build step). The script long-polls
/api/stand for the chats as the Bot API holds them, posts what a person types or presses, and
moves the demo clock. What a column shows is what the bot sent through the Bot API.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import i18n
from bot.i18n import N_, format_date
from bot.workcalendar import WorkCalendar
from handlers.demo.botapi import BotAPI, Message

STATIC = Path(__file__).parent / "static"
LONG_POLL_SECONDS = 20.0
MAX_TYPED = 4096
STEPS = ("werkdag", "week")

# the page's own words; the bot's words come from the bot
TEXTS = {
    "title": N_("Schuldhulpbot, demo zonder Telegram"),
    "intro": N_(
        "Elke kolom is een collega met een eigen rol. Alles wat je in de kolommen ziet, komt van de "
        "echte bot: dezelfde gesprekken, termijnen, herinneringen en rapportages, met een eigen "
        "Bot API en een eigen SQLite-bestand. Er gaat niets naar Telegram."
    ),
    "clock": N_("Demoklok"),
    "forward": N_("Tijd vooruit"),
    "workday": N_("+1 werkdag"),
    "week": N_("+1 week"),
    "typing_hint": N_("Typ een bericht of /opdracht"),
    "send": N_("Stuur"),
    "menu": N_("Menu"),
    "download": N_("Download"),
    "busy": N_("De tijd loopt vooruit…"),
    "gone": N_("Deze knop bestaat niet meer."),
    "error": N_("Dat lukte niet. Probeer het opnieuw."),
    "empty": N_("Nog geen berichten. Typ /help of kies een opdracht uit het menu."),
    "edited": N_("bewerkt"),
    "stopped": N_("De demo is gestopt. Start hem opnieuw met: schuldhulpbot demo"),
}


@dataclass(frozen=True)
class Column:
    """One person on the page."""

    chat_id: int
    role_label: str
    name: str


class _Display(HTMLParser):
    """Telegram's HTML subset as safe page HTML: known tags without attributes, links only to
    http(s), everything else as text."""

    SIMPLE = frozenset(
        {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SIMPLE:
            self.out.append(f"<{tag}>")
            self.open.append(tag)
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            safe = href if href.startswith(("https://", "http://")) else "#"
            self.out.append(f'<a href="{html.escape(safe)}" target="_blank" rel="noopener noreferrer">')
            self.open.append("a")
        elif tag in ("tg-spoiler", "span"):
            self.out.append('<span class="spoiler">')
            self.open.append("span")

    def handle_endtag(self, tag: str) -> None:
        name = "span" if tag in ("tg-spoiler", "span") else tag
        if name in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == name:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data))


def display_html(message: Message) -> str:
    """A message's text for the page (a user's own text is plain, the bot's is HTML)."""
    if not message.from_bot:
        return html.escape(message.html)
    parser = _Display()
    parser.feed(message.html)
    parser.close()
    return "".join(parser.out) + "".join(f"</{t}>" for t in reversed(parser.open))


@dataclass
class DemoPage:
    """What the page needs from the running demo."""

    api: BotAPI
    columns: list[Column]
    calendar: WorkCalendar
    language: str
    now: Callable[[], datetime]
    forward: Callable[[str], Awaitable[None]]
    stopping: bool = False  # set on shutdown: waiting requests answer at once

    def _(self, message: str) -> str:
        return i18n.gettext(message, self.language)

    def clock_text(self) -> str:
        local = self.calendar.local(self.now())
        return f"{format_date(local.date(), self.language)} {local:%H:%M}"

    def _message_json(self, message: Message) -> dict[str, Any]:
        local = self.calendar.local(datetime.fromtimestamp(message.date, tz=self.now().tzinfo))
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        return {
            "id": message.message_id,
            "bot": message.from_bot,
            "html": display_html(message),
            "kind": message.kind,
            "file": f"/api/bestand/{message.chat_id}/{message.message_id}" if message.file else None,
            "filename": message.filename,
            "day": format_date(local.date(), self.language),
            "time": f"{local:%H:%M}",
            "edited": message.edits > 0,
            "buttons": [
                [{"text": b["text"], "data": b.get("callback_data", "")} for b in row] for row in rows
            ],
        }

    def state(self) -> dict[str, Any]:
        notices: dict[int, list[dict[str, Any]]] = {}
        for number, notice in enumerate(self.api.notices):
            notices.setdefault(notice.chat_id, []).append(
                {"n": number, "text": notice.text, "alert": notice.alert}
            )
        return {
            "version": self.api.version,
            "clock": self.clock_text(),
            "chats": {
                str(c.chat_id): [self._message_json(m) for m in self.api.messages(c.chat_id)]
                for c in self.columns
            },
            "menus": {str(c.chat_id): self.api.menu(c.chat_id, self.language) for c in self.columns},
            "notices": {str(k): v for k, v in notices.items()},
        }

    def page(self) -> str:
        t = {k: html.escape(self._(v)) for k, v in TEXTS.items()}
        columns = "\n".join(
            f'<section class="chat" data-chat="{c.chat_id}" aria-label="{html.escape(c.role_label)}">'
            f"<header><h2>{html.escape(c.role_label)}</h2>"
            f'<p class="who">{html.escape(c.name)}</p></header>'
            '<ol class="messages" aria-live="polite"></ol><div class="menu" hidden></div>'
            '<form class="compose">'
            f'<button type="button" class="menu-button" aria-label="{t["menu"]}">/</button>'
            f'<input name="text" autocomplete="off" maxlength="{MAX_TYPED}" '
            f'placeholder="{t["typing_hint"]}" aria-label="{t["typing_hint"]}">'
            f'<button type="submit">{t["send"]}</button></form>'
            '<div class="toast" role="status" hidden></div></section>'
            for c in self.columns
        )
        texts = json.dumps({k: self._(v) for k, v in TEXTS.items()}, ensure_ascii=False).replace("</", "<\\/")
        return f"""<!doctype html>
<html lang="{self.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t["title"]}</title><link rel="stylesheet" href="/static/demo.css"></head>
<body>
<header class="top"><div><h1>{t["title"]}</h1><p class="intro">{t["intro"]}</p></div>
<div class="time"><span>{t["clock"]}:</span> <strong id="clock">{html.escape(self.clock_text())}</strong>
<span class="forward">{t["forward"]}:</span>
<button type="button" data-step="werkdag">{t["workday"]}</button>
<button type="button" data-step="week">{t["week"]}</button></div></header>
<main class="columns">
{columns}
</main>
<script>window.DEMO_TEXTS = {texts};</script>
<script src="/static/demo.js"></script>
</body></html>"""


def web_app(page: DemoPage) -> web.Application:
    """The page, its script and style, the state, and what a person does."""
    chats = {c.chat_id for c in page.columns}

    def refuse(text: str, status: int = 400) -> web.Response:
        return web.json_response({"ok": False, "fout": page._(text)}, status=status)

    @web.middleware
    async def this_computer_only(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Only this page may drive the demo: no other host name (DNS rebinding), no other
        website's request (a cross-site POST cannot send JSON without asking first)."""
        host = request.host.rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "localhost"):
            return refuse(N_("Deze demo is alleen op deze computer te gebruiken."), 403)
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"{request.scheme}://{request.host}":
                return refuse(N_("Deze demo is alleen op deze computer te gebruiken."), 403)
            if request.content_type != "application/json":
                return refuse(N_("Ongeldig verzoek."), 415)
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return refuse(N_("Ongeldig verzoek."), 413)

    async def index(_: web.Request) -> web.Response:
        return web.Response(text=page.page(), content_type="text/html", charset="utf-8")

    async def state(request: web.Request) -> web.Response:
        try:
            seen = int(request.query.get("versie", "-1"))
        except ValueError:
            seen = -1
        waited = 0.0
        while page.api.version == seen and waited < LONG_POLL_SECONDS and not page.stopping:
            await asyncio.sleep(0.1)
            waited += 0.1
        return web.json_response(page.state())

    async def _body(request: web.Request) -> dict[str, Any] | None:
        try:
            data = await request.json()
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    async def send(request: web.Request) -> web.Response:
        data = await _body(request)
        if data is None:
            return refuse(N_("Ongeldig verzoek."))
        chat = _int(data.get("chat"))
        text = data.get("tekst")
        if chat not in chats:
            return refuse(N_("Onbekende kolom."))
        if not isinstance(text, str) or not text.strip() or len(text.strip()) > MAX_TYPED:
            return refuse(N_("Typ een bericht van 1 tot 4.096 tekens."))
        text = text.strip()
        page.api.type_text(chat, text, language=page.language)
        return web.json_response({"ok": True})

    async def press(request: web.Request) -> web.Response:
        data = await _body(request)
        if data is None or not isinstance(data.get("data"), str):
            return refuse(N_("Ongeldig verzoek."))
        chat, message = _int(data.get("chat")), _int(data.get("bericht"))
        if chat not in chats or message is None:
            return refuse(N_("Onbekende kolom."))
        if page.api.press(chat, message, data["data"]) is None:
            return refuse(TEXTS["gone"], 409)
        return web.json_response({"ok": True})

    async def forward(request: web.Request) -> web.Response:
        data = await _body(request)
        step = data.get("stap") if data else None
        if step not in STEPS:
            return refuse(N_("Kies een werkdag of een week."))
        await page.forward(step)
        return web.json_response({"ok": True, "clock": page.clock_text()})

    async def download(request: web.Request) -> web.Response:
        chat, number = _int(request.match_info["chat"]), _int(request.match_info["bericht"])
        message = page.api.find(chat, number) if chat in chats and number is not None else None
        if message is None or message.file is None:
            raise web.HTTPNotFound()
        name = message.filename or "bestand"
        kind = "image/png" if name.endswith(".png") else "application/octet-stream"
        if name.endswith(".xlsx"):
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif name.endswith(".csv"):
            kind = "text/csv"
        disposition = "inline" if message.kind == "photo" else "attachment"
        return web.Response(
            body=message.file,
            content_type=kind,
            headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
        )

    async def no_icon(_: web.Request) -> web.Response:
        return web.Response(status=204)

    app = web.Application(client_max_size=1 << 16, middlewares=[this_computer_only])
    app.router.add_get("/", index)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_get("/api/stand", state)
    app.router.add_post("/api/stuur", send)
    app.router.add_post("/api/druk", press)
    app.router.add_post("/api/tijd", forward)
    app.router.add_get("/api/bestand/{chat}/{bericht}", download)
    app.router.add_static("/static", STATIC)
    return app


def _int(value: object) -> int | None:
    """A whole number as JSON or text gives it; anything else (true, 1.5, null) is none."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None
