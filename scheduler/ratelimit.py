"""Telegram's limits without letting one chat's fault stall the bot.

PTB's own AIORateLimiter pauses *every* request while it sleeps off a 429, so one chat's
`retry_after=150` froze all replies. Here a 429 pauses only the chat it came from; only when
429s come from several chats within a short window (Telegram's global flood limit) does every
send pause. A request for a paused chat waits when the pause is short, and otherwise fails at
once with RetryAfter (nothing is sent): a handler's reply to that chat is dropped with a log
line, and the dispatcher leaves the reminder row for a later tick. Bulk sends (the dispatcher
passes `rate_limit_args={"bulk": True}`) are held to a lower rate than the overall 30 a second,
so replies to people never queue behind a backlog of reminders.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(exc: RetryAfter) -> float:
    """retry_after as seconds, whether PTB gives an int or (from v23 on) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class ChatRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Per-chat pauses on 429, a global pause only for a flood across chats, and a lower rate
    for bulk sends than for replies."""

    def __init__(
        self,
        *,
        overall_per_second: float = 30,
        bulk_per_second: float = 20,
        max_wait: float = 3.0,
        global_chats: int = 3,
        global_window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall = AsyncLimiter(overall_per_second, 1)
        self.bulk = AsyncLimiter(bulk_per_second, 1)
        self.max_wait = max_wait  # a longer pause is not waited out inside a request
        self.global_chats = global_chats
        self.global_window = global_window
        self.clock = clock
        self.paused_until: dict[int | str, float] = {}  # chat id -> monotonic time
        self.global_until = 0.0
        self._recent: list[tuple[float, int | str]] = []  # (time, chat) of the last 429s

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def pause_left(self, chat_id: int | str) -> float:
        """Seconds until a send to this chat (or chatless method) may go out (0: now)."""
        until = max(self.global_until, self.paused_until.get(chat_id, 0.0))
        return max(0.0, until - self.clock())

    def note_429(self, chat_id: int | str, seconds: float) -> None:
        """Pause the chat; a flood over several chats within the window pauses everything."""
        now = self.clock()
        self.paused_until[chat_id] = max(self.paused_until.get(chat_id, 0.0), now + seconds)
        if isinstance(chat_id, str) and chat_id.startswith("method:"):
            return  # a method without a chat (answerCallbackQuery, ...): that method pauses, no flood
        self._recent = [(t, c) for t, c in self._recent if now - t <= self.global_window]
        self._recent.append((now, chat_id))
        if len({c for _, c in self._recent}) >= self.global_chats:
            logger.warning("flood limit across chats: every send pauses %.0f s", seconds)
            self.global_until = max(self.global_until, now + seconds)
        self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        if len(self.paused_until) > 1000:  # keep the table small on a long-running bot
            self.paused_until = {c: t for c, t in self.paused_until.items() if t > now}

    async def _wait_or_refuse(self, chat_id: int | str) -> None:
        left = self.pause_left(chat_id)
        if left > self.max_wait:
            with warnings.catch_warnings():  # PTB warns about its own type change while building it
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                raise RetryAfter(timedelta(seconds=int(left) + 1))
        if left > 0:
            await asyncio.sleep(left)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSON:
        """Wait out a short pause or refuse at once; throttle; on a 429 pause the chat and try
        once more when the pause is short."""
        chat_id = data.get("chat_id") or f"method:{endpoint}"  # chatless methods pause on their own
        bulk = bool(rate_limit_args and rate_limit_args.get("bulk"))
        for attempt in range(2):
            await self._wait_or_refuse(chat_id)
            if bulk:
                await self.bulk.acquire()
            await self.overall.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                self.note_429(chat_id, seconds)
                logger.info("429 for a chat: it pauses %.0f s, other chats go on", seconds)
                if attempt == 1 or seconds > self.max_wait:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover
