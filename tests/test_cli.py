"""The console script: Dutch help, config check, db upgrade, invite."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.config import default_config_text
from bot.db import create_engine, current_revision
from bot.models import Invite
from bot.services.users import hash_code
from bot.vocabulary import Role


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    db = tmp_path / "cli.db"
    for key in ("CONFIG", "BOT_USERNAME", "TIMEZONE", "LANGUAGE", "TOKEN"):
        monkeypatch.delenv(f"SCHULDHULPBOT_{key}", raising=False)
    monkeypatch.setenv("SCHULDHULPBOT_DATABASE_URL", f"sqlite:///{db}")
    return db


def test_help_is_in_dutch(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: schuldhulpbot")
    assert "toon deze hulptekst en stop" in out
    assert "maak een eenmalige uitnodigingscode" in out
    for args in (["invite", "--help"], ["db", "upgrade", "--help"], ["config", "check", "--help"]):
        with pytest.raises(SystemExit):
            main(args)
        assert "gebruik:" in capsys.readouterr().out


def test_argparse_errors_are_dutch(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["invite", "--rol", "directeur"])
    assert exit_.value.code == 2
    assert "ongeldige keuze" in capsys.readouterr().err


def test_config_check_prints_the_norms(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "standaardconfiguratie is geldig: gemeente Heusden, 3 wijkteams." in out
    assert re.search(
        r"aanmelding_derden\s+melding \[aanmelding_derden\]\s+8 werkdagen\s+financiele_rust\s+80%", out
    )
    assert re.search(r"budgetbeheer .*36 maanden, toets elke 6 maanden", out)


def test_config_check_shows_the_wgs_norms_on_and_5_mei_off(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    for code in ("wgs_eerste_gesprek", "wgs_bedreigend", "wgs_beschikking"):
        assert re.search(rf"^{code}\s.*\swet\s+ja$", out, re.MULTILINE), code
    assert re.search(r"Geen werkdag in \d{4}: .*5 mei \d{4} \(Bevrijdingsdag\)", out)
    assert "Goede vrijdag" in out


def test_config_check_of_a_bad_file_names_the_key(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "fout.toml"
    bad.write_text(default_config_text().replace('eenheid = "werkdagen"', 'eenheid = "dagen"', 1))
    assert main(["config", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "fout.toml" in err and "normen.aanmelding_derden.eenheid" in err


def test_db_upgrade_creates_the_schema(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "bijgewerkt" in capsys.readouterr().out

    async def revision() -> str | None:
        engine = create_engine(f"sqlite+aiosqlite:///{env}")
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    assert asyncio.run(revision()) is not None
    assert main(["db", "upgrade"]) == 0  # idempotent


def test_invite_prints_a_code_that_is_stored_hashed(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCHULDHULPBOT_BOT_USERNAME", "@heusden_schuldhulp_bot")
    assert main(["invite", "--rol", "partner", "--wijkteam", "drunen", "--naam", "Anna"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Uitnodigingscode: ([A-Z0-9-]+)", out)
    assert code is not None
    assert "Rol: medewerker voorliggend veld; wijkteam: drunen" in out
    assert re.search(r"Geldig tot en met \w+dag \d+ \w+ 20\d\d", out)
    plain = code.group(1).replace("-", "")
    assert f"https://t.me/heusden_schuldhulp_bot?start={plain}" in out

    async def stored() -> list[str]:
        engine = create_engine(f"sqlite+aiosqlite:///{env}")
        try:
            async with engine.connect() as conn:
                return list((await conn.execute(select(Invite.code_hash))).scalars())
        finally:
            await engine.dispose()

    assert asyncio.run(stored()) == [hash_code(plain)]


def test_invite_refuses_bad_input_in_dutch(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invite", "--rol", "partner"]) == 1
    assert "hoort bij een wijkteam" in capsys.readouterr().err
    assert main(["invite", "--rol", "klantmanager", "--wijkteam", "atlantis"]) == 1
    assert "Wijkteam 'atlantis' bestaat niet." in capsys.readouterr().err


def test_bad_environment_stops_with_the_variable_named(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCHULDHULPBOT_TIMEZONE", "Mars/Olympus")
    assert main(["db", "upgrade"]) == 2
    assert "SCHULDHULPBOT_TIMEZONE" in capsys.readouterr().err
    monkeypatch.delenv("SCHULDHULPBOT_TIMEZONE")
    for name, value in (("SCHULDHULPBOT_LOG_LEVEL", "verbose"), ("SCHULDHULPBOT_DATABASE_URL", "onzin")):
        monkeypatch.setenv(name, value)
        assert main(["run"]) == 2
        err = capsys.readouterr().err
        assert name in err and "Traceback" not in err
        monkeypatch.delenv(name)


def test_rapport_writes_xlsx_and_csv(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "uit" / "rapport.xlsx"
    assert main(["rapport", "--kwartaal", "2026-K3", "--uit", str(target)]) == 0
    assert load_workbook(target).sheetnames[0] == "Normen"
    assert (
        main(["rapport", "--kwartaal", "2026-K3", "--formaat", "csv", "--uit", str(tmp_path / "r.csv")]) == 0
    )
    out = capsys.readouterr().out
    raw = (tmp_path / "r-normen.csv").read_bytes()
    assert "Geschreven:" in out and raw.startswith(b"\xef\xbb\xbfNorm;Doel;Beslist;")  # UTF-8 with BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Vroegsignalering;80,0%;0;0;;;")  # decimal comma, every active norm
    assert main(["rapport", "--kwartaal", "derde kwartaal", "--uit", str(target)]) == 2
    assert "Geef een kwartaal zoals 2026-K3." in capsys.readouterr().err


def test_rapport_ddas_writes_both_files_and_refuses_a_future_quarter(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from jsonschema import Draft202012Validator

    from tests import ddas_schemas

    folder = tmp_path / "ddas"
    assert main(["rapport", "--kwartaal", "2026-K3", "--formaat", "ddas", "--uit", str(folder)]) == 0
    assert capsys.readouterr().out.count("Geschreven:") == 2
    for name, schema in (
        ("schuldhulpverlening.json", ddas_schemas.SCHULDHULPVERLENING_V1_0),
        ("vroegsignalering.json", ddas_schemas.VROEGSIGNALERING_V0_1),
    ):
        document = json.loads((folder / name).read_text(encoding="utf-8"))
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert list(validator.iter_errors(document)) == []
        assert (document["startdatumLevering"], document["einddatumLevering"]) == ("2026-07-01", "2026-09-30")
    assert main(["rapport", "--kwartaal", "2099-K1", "--formaat", "ddas", "--uit", str(folder)]) == 2
    assert "2099-K1 is nog niet begonnen" in capsys.readouterr().err
    assert main(["rapport", "--kwartaal", "2099-K1", "--uit", str(tmp_path / "r.xlsx")]) == 2
    assert not (tmp_path / "r.xlsx").exists()


def test_gebruiker_lijst_blokkeer_en_deblokkeer(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    from bot.config import load_config
    from bot.db import create_engine, create_sessionmaker
    from bot.services.common import Deps
    from bot.services.users import create_invite, register

    assert main(["db", "upgrade"]) == 0

    async def join() -> None:
        from bot.settings import Settings

        engine = create_engine(Settings().database_url)
        async with create_sessionmaker(engine)() as session:
            deps = Deps.from_config(load_config())
            invite = await create_invite(session, deps, role=Role.KLANTMANAGER, display_name="Karel KM")
            await register(session, deps, 501, invite.code, fallback_name="x")
        await engine.dispose()

    asyncio.run(join())
    capsys.readouterr()
    assert main(["gebruiker", "lijst"]) == 0
    assert re.search(r"^\s+1\s+klantmanager\s+Karel KM\s+\(actief\)$", capsys.readouterr().out, re.MULTILINE)
    assert main(["gebruiker", "blokkeer", "1"]) == 0
    assert "Karel KM is geblokkeerd. Open zaken naar de teamleiders: -" in capsys.readouterr().out
    assert main(["gebruiker", "blokkeer", "1"]) == 0  # again: said, nothing done
    assert "Karel KM was al geblokkeerd; niets gewijzigd." in capsys.readouterr().out
    assert main(["gebruiker", "deblokkeer", "1"]) == 0
    assert "Karel KM kan de bot weer gebruiken." in capsys.readouterr().out
    assert main(["gebruiker", "blokkeer", "99"]) == 1


def test_csv_cells_follow_dutch_spreadsheet_conventions() -> None:
    from datetime import date

    from bot.reportfiles import csv_cell

    assert csv_cell(date(2026, 12, 31)) == "31-12-2026"
    assert csv_cell(0.8333, percent=True) == "83,3%"
    assert csv_cell(1, percent=True) == "100%"
    assert csv_cell(2.5) == "2,5"
    assert (csv_cell(None), csv_cell(14), csv_cell("ja")) == ("", "14", "ja")
