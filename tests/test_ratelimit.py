"""Telegram's flood control stays local: a 429 pauses its own chat, not the bot; only 429s from
several chats at once pause every send; the dispatcher's bulk sends are held below the rate left
for replies."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.vocabulary import Role
from scheduler.ratelimit import ChatRateLimiter, retry_seconds
from tests.botharness import Bot, running_bot
from tests.conftest import FakeClock
from tests.fakebot import TelegramError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Telegram:
    """A callback that answers, or raises a 429 for the chats told to."""

    def __init__(self) -> None:
        self.flood: dict[int, float] = {}
        self.calls: list[int] = []

    async def __call__(self, chat_id: int) -> dict[str, Any]:
        self.calls.append(chat_id)
        if chat_id in self.flood:
            raise RetryAfter(int(self.flood.pop(chat_id)))
        return {"ok": chat_id}


async def send(limiter: ChatRateLimiter, tg: Telegram, chat_id: int, **rl: Any) -> Any:
    return await limiter.process_request(tg, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, rl or None)


async def test_a_429_pauses_only_its_own_chat() -> None:
    clock, tg = Clock(), Telegram()
    limiter = ChatRateLimiter(clock=clock)
    tg.flood[1] = 150
    with pytest.raises(RetryAfter):
        await send(limiter, tg, 1)
    assert await send(limiter, tg, 2) == {"ok": 2}  # another chat goes on at once
    calls = len(tg.calls)
    with pytest.raises(RetryAfter) as refused:  # the paused chat is refused without a request
        await send(limiter, tg, 1)
    assert len(tg.calls) == calls and 149 <= retry_seconds(refused.value) <= 151
    clock.now += 151
    assert await send(limiter, tg, 1) == {"ok": 1}


async def test_a_short_429_is_waited_out_and_tried_once_more() -> None:
    tg = Telegram()
    limiter = ChatRateLimiter(max_wait=3.0)
    tg.flood[1] = 0  # Telegram's smallest pause; waited out, then sent
    assert await send(limiter, tg, 1) == {"ok": 1}
    assert tg.calls == [1, 1]


async def test_429s_from_several_chats_pause_every_send() -> None:
    clock, tg = Clock(), Telegram()
    limiter = ChatRateLimiter(clock=clock, global_chats=3, global_window=10)
    for chat in (1, 2, 3):
        tg.flood[chat] = 30
        with pytest.raises(RetryAfter):
            await send(limiter, tg, chat)
        clock.now += 2
    with pytest.raises(RetryAfter):  # a fourth chat that never had a 429
        await send(limiter, tg, 4)
    clock.now += 31
    assert await send(limiter, tg, 4) == {"ok": 4}


async def test_429s_spread_over_time_stay_per_chat() -> None:
    clock, tg = Clock(), Telegram()
    limiter = ChatRateLimiter(clock=clock, global_chats=3, global_window=10)
    for chat in (1, 2, 3):
        tg.flood[chat] = 5
        with pytest.raises(RetryAfter):
            await send(limiter, tg, chat)
        clock.now += 11  # outside the window of the one before
    assert await send(limiter, tg, 4) == {"ok": 4}


async def test_a_429_without_a_chat_pauses_that_method_only() -> None:
    clock = Clock()
    limiter = ChatRateLimiter(clock=clock)
    calls: list[str] = []

    async def answer_callback() -> bool:
        calls.append("answer")
        if len(calls) == 1:
            raise RetryAfter(60)
        return True

    async def api(endpoint: str, data: dict[str, Any]) -> Any:
        return await limiter.process_request(answer_callback, (), {}, endpoint, data, None)

    with pytest.raises(RetryAfter):
        await api("answerCallbackQuery", {"callback_query_id": "1"})
    tg = Telegram()
    assert await send(limiter, tg, 7) == {"ok": 7}  # a chat's message still goes
    with pytest.raises(RetryAfter):
        await api("answerCallbackQuery", {"callback_query_id": "2"})  # the method itself waits
    assert calls == ["answer"]


async def test_bulk_sends_take_the_bulk_limit_replies_do_not() -> None:
    tg = Telegram()
    limiter = ChatRateLimiter()
    taken: list[str] = []

    class Counting:
        def __init__(self, name: str) -> None:
            self.name = name

        async def acquire(self) -> None:
            taken.append(self.name)

    limiter.bulk, limiter.overall = Counting("bulk"), Counting("overall")  # type: ignore[assignment]
    await send(limiter, tg, 1, bulk=True)
    await send(limiter, tg, 2)
    assert taken == ["bulk", "overall", "overall"]


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Bot]:
    async with running_bot(tmp_path, clock, rate_limit=True) as b:
        yield b


async def test_through_the_bot_one_chats_flood_control_does_not_hold_the_others(bot: Bot) -> None:
    """A 150 s 429 for one person: their reply is dropped (logged), the next person is answered
    straight away and the paused chat is not asked again meanwhile."""
    first = await bot.join(1001, Role.PARTNER, "drunen", "Pien Partner")
    second = await bot.join(1002, Role.PARTNER, "vlijmen", "Vera Vlijmen")
    bot.fake.chat_faults[1001] = deque(
        [TelegramError(429, "Too Many Requests: retry after 150", retry_after=150)]
    )
    assert await first.send("/privacy") == []
    calls = len(bot.fake.calls)
    replies = await second.send("/privacy")
    assert replies and "niet end-to-end versleuteld" in replies[0].text
    assert await first.send("/help") == []  # still paused: refused before reaching Telegram
    to_first = [p for _, p in bot.fake.calls[calls:] if str(p.get("chat_id")) == "1001"]
    assert to_first == []
