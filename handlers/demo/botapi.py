"""A Bot API of our own: the methods this bot uses, with Telegram's checks, in memory.

`schuldhulpbot demo` points the real Application at it inside the process (`BotAPIRequest`);
the end-to-end tests serve the same object over HTTP (`http_app`) to `schuldhulpbot run` as a
real process. It refuses what Telegram refuses: HTML that Telegram's parser rejects, texts over
4,096 UTF-16 code units (captions over 1,024), callback data over 64 bytes, a button without
text, a callback query answered twice, a wrong token (401).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web
from telegram.request import BaseRequest, RequestData

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"}
    | {"tg-spoiler", "span", "tg-emoji"}
)
# Telegram's HTML mode knows only these named entities, besides numeric ones
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_BARE_LT = re.compile(r"<(?![a-zA-Z/])")
MAX_TEXT = 4096  # UTF-16 code units, after the entities are parsed
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_UPDATES = 100  # getUpdates' largest limit


class BotAPIError(Exception):
    """What Telegram answers with ok=false."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


class _Parse(HTMLParser):
    """Telegram's HTML parse mode: known tags only, properly nested; collects the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS and self.error is None:
            self.error = f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if (not self.stack or self.stack.pop() != tag) and self.error is None:
            self.error = f'Unexpected end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """What the reader sees of an HTML text."""
    parser = _Parse()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def utf16_length(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str, parse_mode: str | None, limit: int = MAX_TEXT, *, caption: bool = False) -> str:
    """The plain text Telegram would show, or the BotAPIError it would give."""
    if parse_mode == "HTML":
        stray = next((m for m in re.finditer("&", text) if not _ENTITY.match(text, m.start())), None)
        if stray is not None:
            raise BotAPIError(
                400,
                "Bad Request: can't parse entities: Can't find end of the entity starting at "
                f"byte offset {len(text[: stray.start()].encode())}",
            )
        if _BARE_LT.search(text):
            raise BotAPIError(400, "Bad Request: can't parse entities: Unsupported start tag")
        parser = _Parse()
        parser.feed(text)
        parser.close()
        if parser.error or parser.stack:
            raise BotAPIError(400, f"Bad Request: can't parse entities: {parser.error or 'unclosed tag'}")
        plain = "".join(parser.parts)
    else:
        plain = text
    if not plain.strip() and not caption:
        raise BotAPIError(400, "Bad Request: message text is empty")
    if utf16_length(plain) > limit:
        raise BotAPIError(
            400, "Bad Request: message caption is too long" if caption else "Bad Request: message is too long"
        )
    return plain


def check_markup(markup: Any) -> dict[str, Any] | None:
    """An inline keyboard as Telegram accepts it (callback data at most 64 bytes)."""
    if markup is None or markup == "":
        return None
    data = markup if isinstance(markup, dict) else json.loads(markup)
    for row in data.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise BotAPIError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            callback = button.get("callback_data")
            if callback is not None and not 1 <= len(str(callback).encode()) <= MAX_CALLBACK_DATA:
                raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")
    return dict(data)


@dataclass
class Message:
    """One message in a private chat, as the user's client shows it."""

    chat_id: int
    message_id: int
    html: str
    from_bot: bool
    date: int
    reply_markup: dict[str, Any] | None = None
    kind: str = "text"  # text, photo or document
    file: bytes | None = None
    filename: str | None = None
    edits: int = 0

    @property
    def text(self) -> str:
        return plain_text(self.html) if self.from_bot else self.html

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        if not self.reply_markup:
            return []
        return [
            (b["text"], str(b.get("callback_data", "")))
            for row in self.reply_markup.get("inline_keyboard", [])
            for b in row
        ]


@dataclass
class Notice:
    """An answer to a pressed button that the client shows (a toast, or an alert)."""

    chat_id: int
    text: str
    alert: bool


@dataclass
class FloodLimit:
    """Telegram's flood control, for benchmarks: about 30 messages a second overall (a bucket
    of 30 that refills at 30 a second) and one a second per chat; past it, a 429."""

    per_second: float = 30.0
    per_chat_seconds: float = 1.0
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._tokens = self.per_second
        self._at = self.clock()
        self._last: dict[int, float] = {}

    def check(self, chat_id: int) -> None:
        now = self.clock()
        self._tokens = min(self.per_second, self._tokens + (now - self._at) * self.per_second)
        self._at = now
        last = self._last.get(chat_id)
        if last is not None and now - last < self.per_chat_seconds:
            raise BotAPIError(429, "Too Many Requests: retry after 1", retry_after=1)
        if self._tokens < 1:
            raise BotAPIError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._tokens -= 1
        self._last[chat_id] = now


@dataclass
class BotAPI:
    """The server side of the Bot API for one bot and its private chats."""

    token: str
    username: str = "schuldhulp_demo_bot"
    clock: Callable[[], float] = time.time  # Unix seconds, for message dates
    first_update_id: int = 1
    bot_id: int = 7_000_001
    # for tests: hand out at most `batch` updates a call, and none past `hold_after`
    batch: int = MAX_UPDATES
    hold_after: int | None = None
    chats: dict[int, list[Message]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # a chat's first name, as its client sends it
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    handed_out: list[dict[str, Any]] = field(default_factory=list)  # every update given, in order
    offsets: list[int] = field(default_factory=list)  # the offsets getUpdates was asked with
    version: int = 0  # goes up with every change a client would see
    flood: FloodLimit | None = None  # off by default; the reminder benchmark turns it on
    too_many: int = 0  # 429s answered

    def __post_init__(self) -> None:
        self._lock = threading.RLock()  # the HTTP server may run in a thread of its own
        self._queue: list[dict[str, Any]] = []
        self._update_ids = itertools.count(self.first_update_id)
        self._callback_ids = itertools.count(1)
        self._open_queries: dict[str, int] = {}  # callback query id -> chat
        self._answered: set[str] = set()

    # -- what a user's client does ------------------------------------------------------------

    def type_text(self, chat_id: int, text: str, first_name: str | None = None, language: str = "nl") -> int:
        """The user sends a text message; returns its update id."""
        with self._lock:
            name = first_name or self.names.get(chat_id) or str(chat_id)
            self.names.setdefault(chat_id, name)
            message = self._add(chat_id, text, from_bot=False)
            payload: dict[str, Any] = {
                "message_id": message.message_id,
                "date": message.date,
                "chat": {"id": chat_id, "type": "private", "first_name": name},
                "from": {"id": chat_id, "is_bot": False, "first_name": name, "language_code": language},
                "text": text,
            }
            if text.startswith("/"):
                payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            return self._enqueue({"message": payload})

    def press(self, chat_id: int, message_id: int, data: str) -> str | None:
        """The user presses an inline button; None when that message has no such button (any more)."""
        with self._lock:
            message = self.find(chat_id, message_id)
            if message is None or data not in (d for _, d in message.buttons):
                return None
            query_id = str(next(self._callback_ids))
            self._open_queries[query_id] = chat_id
            name = self.names.get(chat_id, str(chat_id))
            self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": {"id": chat_id, "is_bot": False, "first_name": name, "language_code": "nl"},
                        "chat_instance": f"c{chat_id}",
                        "data": data,
                        "message": self._message_json(message),
                    }
                }
            )
            return query_id

    def answered(self, query_id: str) -> bool:
        with self._lock:
            return query_id in self._answered

    # -- reading ----------------------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[Message]:
        with self._lock:
            return list(self.chats.get(chat_id, []))

    def sent(self) -> list[Message]:
        """Everything the bot sent, in order."""
        with self._lock:
            return sorted(
                (m for chat in self.chats.values() for m in chat if m.from_bot),
                key=lambda m: (m.date, m.chat_id, m.message_id),
            )

    def find(self, chat_id: int, message_id: int) -> Message | None:
        with self._lock:
            return next((m for m in self.chats.get(chat_id, []) if m.message_id == message_id), None)

    def menu(self, chat_id: int, language: str = "nl") -> list[dict[str, str]]:
        """The command menu the chat's client shows: the chat's own scope first, then the default."""
        with self._lock:
            for scope in ({"type": "chat", "chat_id": chat_id}, {"type": "default"}):
                key = json.dumps(scope, sort_keys=True)
                for lang in (language, ""):
                    if (key, lang) in self.commands:
                        return list(self.commands[(key, lang)])
            return []

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    # -- the Bot API ------------------------------------------------------------------------------

    async def call(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """One Bot API request: the HTTP status and the JSON body Telegram would answer."""
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            if method == "getUpdates":
                result: Any = await self._get_updates(params)
            else:
                handler = getattr(self, f"_api_{method}", None)
                if handler is None:
                    raise BotAPIError(404, "Not Found: method not found")
                with self._lock:
                    result = handler(params)
        except BotAPIError as err:
            return err.code, err.body()
        return 200, {"ok": True, "result": result}

    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset") or 0)
        limit = min(int(p.get("limit") or MAX_UPDATES), self.batch)
        deadline = time.monotonic() + min(float(p.get("timeout") or 0), 30.0)
        with self._lock:
            self.offsets.append(offset)
            if offset:  # confirmed: Telegram forgets every update before the offset, once asked
                self._queue = [u for u in self._queue if u["update_id"] >= offset]
        while True:
            with self._lock:
                ready = [
                    u for u in self._queue if self.hold_after is None or u["update_id"] <= self.hold_after
                ]
                given = ready[:limit]
                if given or time.monotonic() >= deadline:
                    self.handed_out.extend(u for u in given if u not in self.handed_out)
                    return given
            await asyncio.sleep(0.05)  # a long poll: hold the request until an update comes

    def _api_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Schuldhulp",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_deleteWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def _api_setWebhook(self, p: dict[str, Any]) -> bool:
        if not str(p.get("url", "")).startswith("https://") and not str(p.get("url", "")).startswith(
            "http://"
        ):
            raise BotAPIError(400, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook")
        self.webhooks.append(p)
        return True

    def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        commands = _json(p.get("commands")) or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")) or not (
                1 <= len(command.get("description", "")) <= 256
            ):
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = _json(p.get("scope")) or {"type": "default"}
        self.commands[(json.dumps(scope, sort_keys=True), str(p.get("language_code") or ""))] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        self.version += 1
        return True

    def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(p)
        check_text(str(p.get("text", "")), p.get("parse_mode"))
        markup = check_markup(_json(p.get("reply_markup")))
        return self._message_json(self._add(chat_id, str(p["text"]), from_bot=True, markup=markup))

    def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        message = self._edited(p)
        check_text(str(p.get("text", "")), p.get("parse_mode"))
        markup = check_markup(_json(p.get("reply_markup")))
        if message.html == p["text"] and message.reply_markup == markup:
            raise BotAPIError(400, "Bad Request: message is not modified")
        message.html, message.reply_markup, message.edits = str(p["text"]), markup, message.edits + 1
        self.version += 1
        return self._message_json(message)

    def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        message = self._edited(p)
        markup = check_markup(_json(p.get("reply_markup")))
        if message.reply_markup == markup:
            raise BotAPIError(400, "Bad Request: message is not modified")
        message.reply_markup, message.edits = markup, message.edits + 1
        self.version += 1
        return self._message_json(message)

    def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("callback_query_id", ""))
        if query_id in self._answered or query_id not in self._open_queries:
            raise BotAPIError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        self._answered.add(query_id)
        if p.get("text"):
            alert = str(p.get("show_alert", "")).lower() in ("true", "1")
            self.notices.append(Notice(self._open_queries[query_id], str(p["text"]), alert))
            self.version += 1
        return True

    def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(p, "document")

    def _api_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(p, "photo")

    def _send_file(self, p: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = self._chat(p)
        upload = p.get(kind)
        if isinstance(upload, str) and upload.startswith("attach://"):  # PTB names the part
            upload = p.get(upload.removeprefix("attach://"))
        if not isinstance(upload, tuple):
            raise BotAPIError(400, f"Bad Request: there is no {kind} in the request")
        caption = str(p.get("caption") or "")
        if caption:
            check_text(caption, p.get("parse_mode"), MAX_CAPTION, caption=True)
        filename, content = upload
        message = self._add(
            chat_id, caption, from_bot=True, markup=check_markup(_json(p.get("reply_markup")))
        )
        message.kind, message.file, message.filename = kind, content, filename
        return self._message_json(message)

    # -- bookkeeping --------------------------------------------------------------------------

    def _chat(self, p: dict[str, Any]) -> int:
        try:
            chat_id = int(p["chat_id"])
        except (KeyError, ValueError, TypeError):
            raise BotAPIError(400, "Bad Request: chat not found") from None
        if self.flood is not None:
            try:
                self.flood.check(chat_id)
            except BotAPIError:
                self.too_many += 1
                raise
        return chat_id

    def _edited(self, p: dict[str, Any]) -> Message:
        message = self.find(self._chat(p), int(p.get("message_id") or 0))
        if message is None:
            raise BotAPIError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise BotAPIError(400, "Bad Request: message can't be edited")
        return message

    def _add(
        self, chat_id: int, html: str, *, from_bot: bool, markup: dict[str, Any] | None = None
    ) -> Message:
        chat = self.chats.setdefault(chat_id, [])
        number = chat[-1].message_id + 1 if chat else 1
        message = Message(chat_id, number, html, from_bot, int(self.clock()), markup)
        chat.append(message)
        self.version += 1
        return message

    def _enqueue(self, content: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._queue.append({"update_id": update_id, **content})
        return update_id

    def enqueue_raw(self, update: dict[str, Any]) -> None:
        """An update exactly as given (tests: one Telegram hands out again)."""
        with self._lock:
            self._queue.insert(0, update)

    def _message_json(self, message: Message) -> dict[str, Any]:
        sender = (
            {"id": self.bot_id, "is_bot": True, "first_name": "Schuldhulp", "username": self.username}
            if message.from_bot
            else {"id": message.chat_id, "is_bot": False, "first_name": self.names.get(message.chat_id, "")}
        )
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": {"id": message.chat_id, "type": "private"},
            "from": sender,
        }
        if message.kind == "photo":
            data["photo"] = [
                {
                    "file_id": f"p{message.chat_id}-{message.message_id}",
                    "file_unique_id": f"u{message.message_id}",
                    "width": 1210,
                    "height": 660,
                }
            ]
        elif message.kind == "document":
            data["document"] = {
                "file_id": f"d{message.chat_id}-{message.message_id}",
                "file_unique_id": f"u{message.message_id}",
                "file_name": message.filename,
            }
        if message.kind != "text":
            if message.html:
                data["caption"] = message.text
        else:
            data["text"] = message.text
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data


def _json(value: Any) -> Any:
    """A parameter as PTB sends it: objects JSON-encoded over HTTP, plain in process."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


class BotAPIRequest(BaseRequest):
    """PTB's network layer, answered by a BotAPI in the same process."""

    def __init__(self, api: BotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        base, api_method = url.rsplit("/", 1)
        token = base.rsplit("/", 1)[-1].removeprefix("bot")
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, _mime) in request_data.multipart_data.items():
                params[name] = (filename, content)
        status, body = await self.api.call(token, api_method, params)
        return status, json.dumps(body).encode()


def http_app(api: BotAPI) -> web.Application:
    """The same BotAPI over HTTP, at /bot<token>/<method>, as api.telegram.org serves it."""

    async def method(request: web.Request) -> web.Response:
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = dict(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = (value.filename, value.file.read())
                else:
                    params[key] = value
        params.update(request.query)
        status, body = await api.call(request.match_info["token"], request.match_info["method"], params)
        return web.json_response(body, status=status)

    app = web.Application(client_max_size=50 << 20)
    app.router.add_route("*", "/bot{token}/{method}", method)
    return app
