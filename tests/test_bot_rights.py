"""Every command and every button against every role and an unregistered account: what a role may
not do changes nothing, every callback query is answered, forged data gets a polite answer."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.models import AuditEntry, Dossier, RosterEntry, User, Vraag
from bot.vocabulary import Role
from tests.botharness import Bot, running_bot
from tests.conftest import FakeClock
from tests.fakebot import Client

INVITE = "persoonlijke uitnodiging"
REFUSED = "Dat mag je met jouw rol niet doen."
UNKNOWN = "Dat begrijp ik niet"
ROLES = ["onbekend", "partner", "klantmanager", "budgetcoach", "teamleider", "beheerder"]

# command -> what each role gets: a phrase of the first reply
COMMANDS: dict[str, dict[str, str]] = {
    "/start": {
        "partner": "Welkom terug",
        "klantmanager": "Welkom terug",
        "budgetcoach": "Welkom terug",
        "teamleider": "Welkom terug",
        "beheerder": "Welkom terug",
    },
    "/help": {
        "partner": "/vraag",
        "klantmanager": "/zaak",
        "budgetcoach": "/zaak",
        "teamleider": "/rooster",
        "beheerder": "zaakinhoud zie je niet",
    },
    "/privacy": {r: "niet end-to-end versleuteld" for r in ROLES[1:]},
    "/taal": {r: "Welke taal wil je?" for r in ROLES[1:]},
    "/melding": {
        "partner": "Welke categorie?",
        "klantmanager": "Welke categorie?",
        "budgetcoach": "Welke categorie?",
        "teamleider": "Welke categorie?",
        "beheerder": REFUSED,
    },
    "/vraag": {
        "partner": "Waar gaat je vraag over?",
        "klantmanager": REFUSED,
        "budgetcoach": REFUSED,
        "teamleider": REFUSED,
        "beheerder": REFUSED,
    },
    "/zaken": {
        "partner": "Je open zaken (2)",
        "klantmanager": "Je open zaken (2)",
        "budgetcoach": "Je hebt geen open zaken.",
        "teamleider": "Open zaken van het team (2)",
        "beheerder": REFUSED,
    },
    "/zaak SH-2026-0001": {
        "partner": "SH-2026-0001 · vroegsignalering",
        "klantmanager": "SH-2026-0001 ·",
        "budgetcoach": "SH-2026-0001 ·",
        "teamleider": "SH-2026-0001 ·",
        "beheerder": "die jij mag zien",
    },
    "/afwezig": {
        "partner": REFUSED,
        "klantmanager": "Wanneer ben je afwezig?",
        "budgetcoach": "Wanneer ben je afwezig?",
        "teamleider": "Wie is er afwezig?",
        "beheerder": "Wie is er afwezig?",
    },
    "/rooster": {
        "partner": REFUSED,
        "klantmanager": "Rooster week",
        "budgetcoach": "Rooster week",
        "teamleider": "Rooster week",
        "beheerder": "Rooster week",
    },
    "/status": {
        "partner": REFUSED,
        "klantmanager": "📊 Status – jouw zaken",
        "budgetcoach": "📊 Status – jouw zaken",
        "teamleider": "📊 Status – alle wijkteams",
        "beheerder": REFUSED,
    },
    "/export": {
        "partner": REFUSED,
        "klantmanager": REFUSED,
        "budgetcoach": REFUSED,
        "teamleider": "Kwartaalrapportage 2026-K4",
        "beheerder": "Kwartaalrapportage 2026-K4",
    },
    "/uitnodigen partner drunen": {
        "partner": REFUSED,
        "klantmanager": REFUSED,
        "budgetcoach": REFUSED,
        "teamleider": REFUSED,
        "beheerder": "Uitnodiging voor een medewerker voorliggend veld",
    },
    "/blokkeren": {
        "partner": REFUSED,
        "klantmanager": REFUSED,
        "budgetcoach": REFUSED,
        "teamleider": REFUSED,
        "beheerder": "Wie wil je blokkeren",
    },
    "/annuleer": {r: "Er is niets om te stoppen." for r in ROLES[1:]},
    "/bestaatniet": {r: UNKNOWN for r in ROLES[1:]},
    "zomaar wat tekst": {r: UNKNOWN for r in ROLES[1:]},
}

WORKERS = {"klantmanager", "budgetcoach", "teamleider"}
# callback data -> roles for which it may change something (others: nothing changes)
CALLBACKS: dict[str, set[str]] = {
    "zk:SH-2026-0001": set(),  # viewing only
    "ho:SH-2026-0001": set(),  # shows colleagues only
    "ro:w:2026-11-30": set(),
    "ro:e:-": set(),
    "ro:t:drunen": set(),
    "mc:vroegsignalering": set(),  # conversation buttons outside their conversation
    "mk:send": set(),
    "msd:0": set(),
    "vt:budget": set(),
    "af:0": set(),
    "ack:SH-2026-9999": set(),  # forged: unknown dossier
    "ack:SH-2026-0001:extra": set(),  # forged: wrong shape
    "hot:SH-2026-0001:abc": set(),
    "ms:SH-2026-0001:bestaat_niet": set(),
    "ro:x:drunen:9:1": set(),
    "taal:xx": set(),
    "iets-heel-anders": set(),
    "taal:en": {"partner", *WORKERS, "beheerder"},
    "ro:x:drunen:4:3": {"teamleider", "beheerder"},
    "bl:2:1": set(),  # asks for a confirmation only
    "bln": set(),
    "blj:2:0": {"beheerder"},  # unblocking an active account changes its audit trail only
    "ans:VR-2026-0001": WORKERS,
    "ack:SH-2026-0001": WORKERS,
    "hot:SH-2026-0001:4": WORKERS,
}


@pytest.fixture(params=ROLES)
async def setting(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[tuple[Bot, Client, str]]:
    async with running_bot(tmp_path, clock) as bot:
        partner = await bot.join(1001, Role.PARTNER, "drunen", "Pien Partner")
        km = await bot.join(2001, Role.KLANTMANAGER, "drunen", "Karel KM")
        bc = await bot.join(2002, Role.BUDGETCOACH, "drunen", "Bea BC")
        leader = await bot.join(3001, Role.TEAMLEIDER, None, "Tineke TL")
        admin = await bot.join(4001, Role.BEHEERDER, None, "Ben Beheer")
        await bot.rooster(leader, 2001, "drunen", 2)
        await partner.send("/melding")
        await partner.press("vroegsignalering (RIS)")
        await partner.press(partner.last.buttons[0][0])
        await partner.press("Vandaag")
        for step in ("Overslaan", "energie", "Overslaan", "Nee", "Nee", "Overslaan"):
            await partner.press(step)
        await partner.press("Versturen")
        await partner.send("/vraag")
        await partner.press("schulden en schuldhulp")
        await partner.send("Hoe werkt een saneringskrediet?")
        client = {
            "onbekend": Client(bot.app, bot.fake, 9999),
            "partner": partner,
            "klantmanager": km,
            "budgetcoach": bc,
            "teamleider": leader,
            "beheerder": admin,
        }[request.param]
        yield bot, client, request.param


async def fingerprint(bot: Bot) -> tuple:
    async with bot.rt.sessionmaker() as session:
        audit = await session.scalar(select(func.count()).select_from(AuditEntry))
        dossiers = sorted((d.ref, d.status, d.assignee_id) for d in await session.scalars(select(Dossier)))
        vragen = sorted((v.ref, v.status, v.assignee_id) for v in await session.scalars(select(Vraag)))
        roster = sorted(
            (r.wijkteam_id, r.weekday, r.user_id) for r in await session.scalars(select(RosterEntry))
        )
        langs = sorted((u.telegram_id, u.language) for u in await session.scalars(select(User)))
    return audit, dossiers, vragen, roster, langs


async def test_every_command_for_every_role(setting: tuple[Bot, Client, str]) -> None:
    bot, client, role = setting
    for command, expected in COMMANDS.items():
        before = await fingerprint(bot)
        replies = await client.send(command)
        assert replies, f"{role} {command}: no reply"
        wanted = expected.get(role, INVITE)
        assert wanted in replies[0].text, f"{role} {command}: {replies[0].text!r}"
        if role == "onbekend":
            assert len(replies) == 1, f"{role} {command}: reveals more than the invite text"
        if wanted in (INVITE, REFUSED, UNKNOWN):
            assert await fingerprint(bot) == before, f"{role} {command} changed something"
        await client.send("/annuleer")  # leave any flow that was started


async def test_every_button_for_every_role(setting: tuple[Bot, Client, str]) -> None:
    bot, client, role = setting
    # a message of the bot in this chat to press on (strangers get the invite text)
    await client.send("/help")
    message = client.last
    for data, may_change in CALLBACKS.items():
        before = await fingerprint(bot)
        others_before = {
            uid: len(bot.fake.sent_to(uid)) for uid in (1001, 2001, 2002, 3001, 4001) if uid != client.user_id
        }
        await client.press("-", message, data=data)  # asserts the callback query was answered
        if role not in may_change:
            assert await fingerprint(bot) == before, f"{role} pressing {data!r} changed something"
            others_after = {uid: len(bot.fake.sent_to(uid)) for uid in others_before}
            assert others_after == others_before, f"{role} pressing {data!r} messaged someone else"
        await client.send("/annuleer")


async def test_forged_buttons_get_a_polite_answer(setting: tuple[Bot, Client, str]) -> None:
    bot, client, role = setting
    await client.send("/help")
    for data in ("ack:SH-2026-9999", "hot:SH-2026-0001:abc", "ms:SH-2026-0001:bestaat_niet", "x" * 64):
        before = len(bot.fake.callback_answers)
        await client.press("-", client.last, data=data)
        answer = list(bot.fake.callback_answers.values())[before]
        assert answer.get("text"), f"{role} {data!r}: answered without a word"


async def test_in_a_group_the_bot_says_one_line_and_nothing_about_a_dossier(
    setting: tuple[Bot, Client, str],
) -> None:
    from telegram import Update

    bot, client, _ = setting
    before = await fingerprint(bot)
    private_before = len(bot.fake.sent_to(client.user_id))
    for text in ("/zaak SH-2026-0001", "/start", "mijn bsn is 111222333"):
        update = bot.fake.message_update(client.user_id, text)
        update["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Wijkteam"}
        await bot.app.process_update(Update.de_json(update, bot.app.bot))
    said = [m.text for m in bot.fake.sent_to(-100123)]
    assert (
        said == ["Gebruik de schuldhulpbot in een privéchat; in een groep antwoordt hij niet."] * 2
    )  # commands only
    assert len(bot.fake.sent_to(client.user_id)) == private_before  # nothing in the private chat either
    assert await fingerprint(bot) == before


async def test_help_names_only_what_the_role_can_do(setting: tuple[Bot, Client, str]) -> None:
    """Every /command in a role's /help is in that role's command menu (and the menu is the list)."""
    bot, client, role = setting
    text = (await client.send("/help"))[0].text
    named = set(re.findall(r"(?<![\w/])/([a-z]+)", text))
    menu = bot.fake.commands.get(
        (json.dumps({"chat_id": client.user_id, "type": "chat"}, sort_keys=True), "")
    )
    offered = {c["command"] for c in menu} if menu else {"start", "help"}
    assert named <= offered, f"{role}: /help names {sorted(named - offered)} it cannot use"
