"""Every field that takes text is screened: descriptions, vragen and answers (the bot's own names
pass), the RIS number's content, colleagues' display names (service layer, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Dossier, User
from bot.privacy import Finding, PrivacyRefused, normalize, screen
from bot.services import intake, users
from bot.services.common import Deps
from bot.vocabulary import Category, Role
from tests.conftest import People


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Mevrouw Fatima de Vries, Grotestraat 12 in Drunen", Finding.ADRES),
        ("BSN 111\u00a0222\u200b333", Finding.BSN),
        ("bsn\t111-22-2333", Finding.BSN),
        ("zie SH-1112-22333", Finding.BSN),  # not a reference of the bot: a BSN in disguise
        ("jan at gmail punt com", Finding.EMAIL),
        ("jan[at]hotmail[dot]com", Finding.EMAIL),
        ("jan＠gmail.com", Finding.EMAIL),
        ("bel nul zes een twee drie vier vijf zes zeven acht", Finding.TELEFOON),
        ("postcode 5151 AB", Finding.POSTCODE),
        ("geboren 12-03-1980", Finding.GEBOORTEDATUM),
        ("J.P. de Vries belde", Finding.NAAM),
        ("naam: Petra Vos", Finding.NAAM),
    ],
)
def test_obfuscated_and_new_kinds_are_found(text: str, finding: Finding) -> None:
    assert finding in screen(text).findings


def test_normalising_folds_what_hides_a_number() -> None:
    assert normalize("１２３\u00a0456\u200b789\u2013x") == "123 456789-x"


def test_names_the_bot_knows_pass() -> None:
    assert not screen("Overleg met mevrouw Karel KM van het wijkteam").ok
    assert screen("Overleg met mevrouw Karel KM van het wijkteam", ["Karel KM"]).ok


@pytest.fixture
async def partner(session: AsyncSession, deps: Deps, people: People) -> People:
    return people


async def test_a_ris_number_that_is_a_phone_number_is_refused(
    session: AsyncSession, deps: Deps, partner: People
) -> None:
    with pytest.raises(PrivacyRefused) as caught:
        intake.validate_ris_nummer(Category.VROEGSIGNALERING, "0612345678")
    assert caught.value.findings == (Finding.TELEFOON,)
    assert intake.validate_ris_nummer(Category.VROEGSIGNALERING, "RIS-2026-118") == "RIS-2026-118"
    assert (
        intake.validate_ris_nummer(Category.VROEGSIGNALERING, "20261180") == "20261180"
    )  # digits alone pass
    with pytest.raises(PrivacyRefused):
        await intake.create_melding(
            session,
            deps,
            partner.partner.telegram_id,
            category=Category.VROEGSIGNALERING,
            meldingsdatum=date(2026, 12, 2),
            ris_nummer="111222333",
        )
    assert await session.scalar(select(Dossier.id)) is None


async def test_a_colleague_in_the_description_passes_an_inwoner_does_not(
    session: AsyncSession, deps: Deps, partner: People
) -> None:
    pien = partner.partner.telegram_id
    ok = await intake.check_description(session, deps, pien, "Overleg gehad met mevrouw Bea BC over de huur.")
    assert ok == "Overleg gehad met mevrouw Bea BC over de huur."
    with pytest.raises(PrivacyRefused) as caught:
        await intake.check_description(session, deps, pien, "Mevrouw Fatima de Vries heeft huurachterstand.")
    assert caught.value.findings == (Finding.NAAM,)
    message = caught.value.render("nl")
    assert "een naam" in message and "'inwoner', 'mevrouw' of 'meneer'" in message and "Fatima" not in message


async def test_a_telegram_name_with_personal_data_is_never_stored(session: AsyncSession, deps: Deps) -> None:
    invite = await users.create_invite(session, deps, role=Role.KLANTMANAGER)
    user = await users.register(session, deps, 4242, invite.code, fallback_name="Jan 06-12345678")
    assert user.display_name == f"klantmanager {user.id}"
    stored = await session.scalar(select(User.display_name).where(User.telegram_id == 4242))
    assert stored == f"klantmanager {user.id}"
    with pytest.raises(PrivacyRefused):
        await users.create_invite(
            session, deps, role=Role.PARTNER, wijkteam="drunen", display_name="jan@example.nl"
        )


async def test_free_text_of_a_dossier_open_for_a_year_is_removed(
    session: AsyncSession, deps: Deps, partner: People, clock
) -> None:  # type: ignore[no-untyped-def]
    from bot.models import AuditEntry
    from bot.services.reminders import purge_free_text

    result = await intake.create_melding(
        session,
        deps,
        partner.partner.telegram_id,
        category=Category.NIEUWE_AANMELDING,
        meldingsdatum=date(2026, 12, 2),
        description="Huurachterstand van drie maanden",
    )
    clock.set(date(2027, 12, 1))  # 364 days: kept
    assert await purge_free_text(session, deps) == (0, 0)
    clock.set(date(2027, 12, 4))  # more than 12 months open
    assert await purge_free_text(session, deps) == (1, 0)
    dossier = await session.get(Dossier, result.dossier.id, populate_existing=True)
    assert dossier is not None and dossier.description is None and dossier.status == "nieuw"
    actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions[-1] == "vrije_tekst.verwijderd"


async def test_wrong_invite_codes_lock_an_account_and_slow_everyone_across_restarts(
    sessionmaker, deps: Deps, partner: People, clock
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bot.services.users import CodeGate, code_gate, record_wrong_code

    for _ in range(4):
        async with sessionmaker() as session:
            assert await record_wrong_code(session, deps, 9001) == []
    async with sessionmaker() as session:  # a new session: as after a restart
        assert await code_gate(session, deps, 9001) is CodeGate.OPEN
        await record_wrong_code(session, deps, 9001)
        assert await code_gate(session, deps, 9001) is CodeGate.LOCKED
        assert await code_gate(session, deps, 9002) is CodeGate.OPEN
    warned: list[list] = []
    for n in range(25):
        async with sessionmaker() as session:
            warned.append(await record_wrong_code(session, deps, 9100 + n))
    assert [len(w) for w in warned].count(1) == 1 and warned[-1][0].id == partner.beheerder.id  # once
    async with sessionmaker() as session:
        assert await code_gate(session, deps, 9002) is CodeGate.SLOWED
        clock.moment += timedelta(minutes=2)
        assert await code_gate(session, deps, 9002) is CodeGate.OPEN  # one try a minute
        clock.moment += timedelta(minutes=15)
        assert await code_gate(session, deps, 9001) is CodeGate.OPEN  # the lock-out ends
