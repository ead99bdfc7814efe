"""An in-process fake of the Telegram Bot API, as a telegram.request.BaseRequest.

It keeps chats, message ids, edits and callback queries the way Telegram does, refuses what
Telegram would refuse (with the checks of handlers.demo.botapi: texts over 4,096 UTF-16 units,
callback data over 64 bytes, broken HTML; and a callback query answered twice), and builds the
updates a user's client would send.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from handlers.demo.botapi import BotAPIError, check_markup, check_text, plain_text

BOT_ID = 777000
BOT_USERNAME = "schuldhulp_test_bot"


class TelegramError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Sent:
    """A message the bot sent (and possibly edited)."""

    chat_id: int
    message_id: int
    html: str
    reply_markup: dict[str, Any] | None
    edits: int = 0
    kind: str = "text"
    file: bytes | None = None
    filename: str | None = None

    @property
    def text(self) -> str:
        return plain_text(self.html)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        if not self.reply_markup:
            return []
        return [(b["text"], b["callback_data"]) for row in self.reply_markup["inline_keyboard"] for b in row]


@dataclass
class FakeTelegram(BaseRequest):
    """The Bot API, in memory."""

    messages: dict[int, dict[int, Sent]] = field(default_factory=lambda: defaultdict(dict))
    log: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    faults: deque[TelegramError | Exception] = field(default_factory=deque)  # next calls fail like this
    # the next calls to one chat fail like this (a 429 for that chat only)
    chat_faults: dict[int, deque[TelegramError | Exception]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    # -- BaseRequest -------------------------------------------------------------------------

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
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, _mime) in request_data.multipart_data.items():
                params[f"_file_{name}"] = (filename, content)
        self.calls.append((endpoint, params))
        try:
            for_chat = self.chat_faults.get(int(params.get("chat_id", 0) or 0))
            if for_chat:
                raise for_chat.popleft()
            if self.faults and endpoint not in ("getMe", "answerCallbackQuery"):
                fault = self.faults.popleft()
                if not isinstance(fault, TelegramError):
                    raise fault  # e.g. telegram.error.TimedOut, as the HTTP layer would raise it
                raise fault
            result = getattr(self, f"api_{endpoint}")(params)
        except TelegramError as err:
            body: dict[str, Any] = {"ok": False, "error_code": err.code, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return err.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- the methods the bot uses -------------------------------------------------------------

    def api_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Schuldhulp",
            "username": BOT_USERNAME,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def api_setMyCommands(self, p: dict[str, Any]) -> bool:
        scope = p.get("scope", {"type": "default"})
        key = (json.dumps(scope, sort_keys=True), p.get("language_code", ""))
        for cmd in p["commands"]:
            if not 1 <= len(cmd["command"]) <= 32 or not 1 <= len(cmd["description"]) <= 256:
                raise TelegramError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[key] = p["commands"]
        return True

    def api_deleteWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def api_setWebhook(self, p: dict[str, Any]) -> bool:
        if not str(p.get("url", "")).startswith(("http://", "https://")):
            raise TelegramError(400, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook")
        return True

    def api_getUpdates(self, _: dict[str, Any]) -> list[Any]:
        return []

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        """Telegram's rules, from the project's own Bot API stand-in (one home for them)."""
        try:
            return check_markup(markup)
        except BotAPIError as err:
            raise TelegramError(err.code, err.description) from err

    def _check_text(self, text: str, parse_mode: str | None) -> None:
        try:
            check_text(text, parse_mode)
        except BotAPIError as err:
            raise TelegramError(err.code, err.description) from err

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Schuldhulp"},
            "text": sent.text,
        }
        if sent.reply_markup:
            data["reply_markup"] = sent.reply_markup
        return data

    def _chat(self, p: dict[str, Any]) -> int:
        chat_id = int(p["chat_id"])
        if chat_id in self.blocked:
            raise TelegramError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(p)
        self._check_text(p["text"], p.get("parse_mode"))
        markup = self._check_markup(p.get("reply_markup"))
        sent = Sent(chat_id, next(self._message_ids[chat_id]), p["text"], markup)
        self.messages[chat_id][sent.message_id] = sent
        self.log.append(sent)
        return self._message_json(sent)

    def _find(self, p: dict[str, Any]) -> Sent:
        chat_id, message_id = int(p["chat_id"]), int(p["message_id"])
        sent = self.messages.get(chat_id, {}).get(message_id)
        if sent is None:
            raise TelegramError(400, "Bad Request: message to edit not found")
        return sent

    def api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._find(p)
        self._check_text(p["text"], p.get("parse_mode"))
        markup = self._check_markup(p.get("reply_markup"))
        if sent.html == p["text"] and sent.reply_markup == markup:
            raise TelegramError(400, "Bad Request: message is not modified")
        sent.html, sent.reply_markup, sent.edits = p["text"], markup, sent.edits + 1
        return self._message_json(sent)

    def api_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._find(p)
        markup = self._check_markup(p.get("reply_markup"))
        if sent.reply_markup == markup:
            raise TelegramError(400, "Bad Request: message is not modified")
        sent.reply_markup, sent.edits = markup, sent.edits + 1
        return self._message_json(sent)

    def api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        query_id = str(p["callback_query_id"])
        if query_id in self.callback_answers:
            raise TelegramError(400, "Bad Request: query is too old and response timeout expired")
        self.callback_answers[query_id] = p
        return True

    def last_answer_text(self) -> str:
        """The text of the newest answer to a button (an alert or a short notice)."""
        assert self.callback_answers, "no button was answered"
        return str(list(self.callback_answers.values())[-1].get("text", ""))

    def api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(p)
        files = [v for k, v in p.items() if k.startswith("_file_")]
        if not files:
            raise TelegramError(400, "Bad Request: there is no document in the request")
        filename, content = files[0]
        sent = Sent(
            chat_id,
            next(self._message_ids[chat_id]),
            p.get("caption", "") or "",
            None,
            kind="document",
            file=content,
            filename=filename,
        )
        self.messages[chat_id][sent.message_id] = sent
        self.log.append(sent)
        return self._message_json(sent)

    api_sendPhoto = api_sendDocument

    # -- what a user's client sends ----------------------------------------------------------

    def message_update(self, user_id: int, text: str, first_name: str = "Test") -> dict[str, Any]:
        message_id = next(self._message_ids[user_id])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "nl"},
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(
        self, user_id: int, sent: Sent, data: str, first_name: str = "Test"
    ) -> tuple[dict[str, Any], str]:
        query_id = str(next(self._callback_ids))
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": query_id,
                "from": {"id": user_id, "is_bot": False, "first_name": first_name},
                "chat_instance": f"ci{user_id}",
                "data": data,
                "message": self._message_json(sent),
            },
        }
        return update, query_id

    # -- reading what happened ----------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[Sent]:
        return list(self.messages.get(chat_id, {}).values())

    def last(self, chat_id: int) -> Sent:
        sent = self.sent_to(chat_id)
        assert sent, f"nothing was sent to {chat_id}"
        return sent[-1]


class Client:
    """One Telegram account talking to the bot."""

    def __init__(self, app: Application, fake: FakeTelegram, user_id: int, first_name: str = "Test") -> None:  # type: ignore[type-arg]
        self.app, self.fake, self.user_id, self.first_name = app, fake, user_id, first_name

    async def send(self, text: str) -> list[Sent]:
        """Type a message; return what the bot sent to this chat in response."""
        before = len(self.fake.sent_to(self.user_id))
        await self.app.process_update(
            Update.de_json(self.fake.message_update(self.user_id, text, self.first_name), self.app.bot)
        )
        return self.fake.sent_to(self.user_id)[before:]

    async def press(self, button: str, message: Sent | None = None, *, data: str | None = None) -> list[Sent]:
        """Press a button (by its label, or raw callback data) on a message (default: the newest with buttons)."""
        if message is None:
            with_buttons = [m for m in self.fake.sent_to(self.user_id) if m.buttons]
            assert with_buttons, "no message with buttons"
            message = with_buttons[-1]
        if data is None:
            matches = [d for label, d in message.buttons if label == button]
            assert matches, f"no button {button!r} in {[b for b, _ in message.buttons]}"
            data = matches[0]
        before = len(self.fake.sent_to(self.user_id))
        update, query_id = self.fake.callback_update(self.user_id, message, data, self.first_name)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        assert query_id in self.fake.callback_answers, f"callback {data!r} was not answered"
        return self.fake.sent_to(self.user_id)[before:]

    @property
    def last(self) -> Sent:
        return self.fake.last(self.user_id)

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.fake.sent_to(self.user_id)]
