"""The `schuldhulpbot` command line: run, invite, rapport, db upgrade, config check (help in Dutch)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import i18n
from bot.i18n import N_, format_date
from bot.vocabulary import Role

if TYPE_CHECKING:  # the heavy imports wait until a command needs them: --help stays fast
    from bot.config import AppConfig
    from bot.settings import Settings

# argparse's own words, so `--help` and its errors read Dutch too.
_ARGPARSE_MSGIDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
)


class _Lang:
    """The language the command line speaks (SCHULDHULPBOT_LANGUAGE, default nl)."""

    code = i18n.DEFAULT_LANGUAGE


def _(message: str, **params: object) -> str:
    return i18n.gettext(message, _Lang.code, **params)


def _argparse_gettext(message: str) -> str:
    return i18n.translations(_Lang.code).gettext(message)


def build_parser() -> argparse.ArgumentParser:
    """The command tree with Dutch help."""
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="schuldhulpbot",
        description=_("Telegram-assistent voor de schuldhulpketen van de gemeente."),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("OPDRACHT"), required=True)

    invite = sub.add_parser(
        "invite",
        help=_("maak een eenmalige uitnodigingscode"),
        description=_("Maak een eenmalige uitnodigingscode voor een nieuwe gebruiker."),
    )
    invite.add_argument(
        "--rol", required=True, choices=[r.value for r in Role], help=_("de rol van de nieuwe gebruiker")
    )
    invite.add_argument("--wijkteam", help=_("code van het wijkteam (verplicht voor partners)"))
    invite.add_argument("--naam", help=_("weergavenaam van de collega (anders de Telegram-naam)"))
    invite.add_argument(
        "--beheerder", action="store_true", help=_("geef daarnaast de rol functioneel beheerder")
    )

    run = sub.add_parser(
        "run",
        help=_("start de bot (long polling of webhook)"),
        description=_(
            "Start de bot met long polling, of met --webhook achter een reverse proxy. Past eerst de "
            "databasemigraties toe. Vraagt SCHULDHULPBOT_TOKEN (van @BotFather)."
        ),
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help=_("ontvang updates via deze https-URL in plaats van long polling (SCHULDHULPBOT_WEBHOOK_URL)"),
    )
    run.add_argument(
        "--poort", type=int, help=_("de poort waarop de webhook luistert (SCHULDHULPBOT_WEBHOOK_PORT, 8443)")
    )
    run.add_argument(
        "--luister", metavar="ADRES", help=_("het adres waarop de webhook luistert (standaard 0.0.0.0)")
    )

    demo = sub.add_parser(
        "demo",
        help=_("probeer de bot zonder Telegram, in een webpagina"),
        description=_(
            "Start de echte bot tegen een eigen Bot API in dit proces, met een demowereld (een "
            "collega per rol, een paar dossiers) in een eigen SQLite-bestand, en een webpagina op "
            "127.0.0.1 met een chatkolom per rol. Er gaat niets naar Telegram."
        ),
    )
    demo.add_argument("--poort", type=int, default=8080, help=_("de poort van de webpagina (standaard 8080)"))
    demo.add_argument(
        "--database",
        type=Path,
        metavar=_("BESTAND"),
        help=_(
            "het SQLite-bestand van de demo; bestaat het al als demo, dan gaat die verder "
            "(standaard: een tijdelijk bestand, weg na afloop)"
        ),
    )

    rapport = sub.add_parser(
        "rapport",
        help=_("schrijf de kwartaalrapportage"),
        description=_(
            "Schrijf de kwartaalrapportage (cijfers per norm, categorie en wijkteam, en een "
            "geanonimiseerde dossierlijst) als XLSX of als CSV-bestanden, of de DDAS-levering "
            "(schuldhulpverlening.json en vroegsignalering.json) in een map."
        ),
    )
    rapport.add_argument(
        "--kwartaal", required=True, metavar="JJJJ-KN", help=_("het kwartaal, bijvoorbeeld 2026-K3")
    )
    rapport.add_argument(
        "--formaat",
        choices=["xlsx", "csv", "ddas"],
        default="xlsx",
        help=_("xlsx (standaard), csv of ddas"),
    )
    rapport.add_argument(
        "--uit",
        required=True,
        type=Path,
        metavar=_("BESTAND"),
        help=_(
            "het bestand; bij csv komt er per tabel een bestand naast met de tabelnaam; "
            "bij ddas een map voor de twee JSON-bestanden"
        ),
    )

    db = sub.add_parser("db", help=_("database-onderhoud"), description=_("Database-onderhoud."))
    db_sub = db.add_subparsers(dest="db_command", metavar=_("OPDRACHT"), required=True)
    db_sub.add_parser(
        "upgrade",
        help=_("voer de migraties uit tot de nieuwste versie"),
        description=_("Voer de databasemigraties uit tot de nieuwste versie."),
    )

    account = sub.add_parser(
        "gebruiker", help=_("gebruikers tonen, blokkeren of weer toelaten"), description=_("Gebruikers.")
    )
    account_sub = account.add_subparsers(dest="account_command", metavar=_("OPDRACHT"), required=True)
    account_sub.add_parser("lijst", help=_("toon alle gebruikers met hun nummer"))
    for verb, text in (
        ("blokkeer", _("blokkeer een gebruiker")),
        ("deblokkeer", _("laat een gebruiker weer toe")),
    ):
        sub_parser = account_sub.add_parser(verb, help=text)
        sub_parser.add_argument(
            "nummer", type=int, metavar=_("NUMMER"), help=_("het nummer uit 'gebruiker lijst'")
        )

    audit = sub.add_parser("audit", help=_("het auditlog"), description=_("Het auditlog."))
    audit_sub = audit.add_subparsers(dest="audit_command", metavar=_("OPDRACHT"), required=True)
    audit_sub.add_parser(
        "controleer",
        help=_("controleer of het auditlog ongeschonden is"),
        description=_(
            "Reken de hashketen van het auditlog na en noem de eerste regel die gewijzigd, "
            "ingevoegd of verwijderd is."
        ),
    )

    config = sub.add_parser(
        "config", help=_("configuratie controleren"), description=_("Configuratie controleren.")
    )
    config_sub = config.add_subparsers(dest="config_command", metavar=_("OPDRACHT"), required=True)
    check = config_sub.add_parser(
        "check",
        help=_("controleer een configuratiebestand en toon de normen"),
        description=_("Controleer een TOML-configuratie en toon de normen als tabel."),
    )
    check.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar=_("BESTAND"),
        help=_("het bestand (standaard SCHULDHULPBOT_CONFIG of de meegeleverde configuratie)"),
    )
    return parser


def _term(norm_termijn: int | None, unit: str | None) -> str:
    if norm_termijn is None or unit is None:
        return _("geen termijn")
    return f"{norm_termijn} {unit}"


def norms_table(config: AppConfig) -> str:
    """The norms as a fixed-width table for the terminal."""
    header = [_("norm"), _("start"), _("termijn"), _("eindproduct"), _("doel"), _("bron"), _("actief")]
    rows = [header]
    for code, norm in config.normen.items():
        start = norm.start
        if norm.opent_bij is not None:
            start += " (" + _("opent bij {mijlpaal}", mijlpaal=norm.opent_bij) + ")"
        if norm.categorieen:
            start += " [" + ", ".join(c.value for c in norm.categorieen) + "]"
        term = _term(norm.termijn, norm.eenheid.value if norm.eenheid else None)
        if norm.toets_elke_maanden:
            term += _(", toets elke {n} maanden", n=norm.toets_elke_maanden)
        rows.append(
            [
                code,
                start,
                term,
                " + ".join(norm.eindproduct),
                f"{norm.doel:.0%}" if norm.doel is not None else "-",
                norm.bron,
                _("ja") if norm.actief else _("nee"),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _config_check(settings: Settings | None, file: Path | None) -> int:
    from bot.config import ConfigError, load_config

    path = file or (settings.config if settings else None)
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    source = str(path) if path else _("standaardconfiguratie")
    print(
        _(
            "{bron} is geldig: gemeente {gemeente}, {n} wijkteams.",
            bron=source,
            gemeente=config.gemeente,
            n=len(config.wijkteams),
        )
    )
    print()
    print(norms_table(config))
    print()
    print(holidays_line(config, settings.timezone if settings else "Europe/Amsterdam"))
    return 0


def holidays_line(config: AppConfig, tz: str) -> str:
    """This year's days off besides the weekends, as the calendar counts them."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.services.common import Deps

    calendar = Deps.from_config(config, tz).calendar
    year = datetime.now(ZoneInfo(tz)).year
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
    closure = _("sluitingsdag")  # outside the f-string, where the catalog extractor finds it
    off = [
        f"{format_date(d, _Lang.code)} ({calendar.holiday_name(d) or closure})"
        for d in days
        if d.year == year and d.weekday() < 5 and not calendar.is_working_day(d)
    ]
    return _("Geen werkdag in {jaar}: {dagen}", jaar=str(year), dagen="; ".join(off))


async def _db_upgrade(settings: Settings) -> int:
    from bot.app_setup import open_database

    config = settings.load_app_config()
    engine, _sessionmaker = await open_database(settings, config)
    await engine.dispose()
    print(_("Database is bijgewerkt tot de nieuwste versie."))
    return 0


async def _invite(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app_setup import open_database
    from bot.errors import DomainError
    from bot.services.common import Deps
    from bot.services.users import bot_username, create_invite, format_code

    config = settings.load_app_config()
    engine, sessionmaker = await open_database(settings, config)
    deps = Deps.from_config(config, settings.timezone)
    try:
        async with sessionmaker() as session:
            result = await create_invite(
                session,
                deps,
                role=Role(args.rol),
                wijkteam=args.wijkteam,
                display_name=args.naam,
                beheerder=args.beheerder,
            )
            username = settings.bot_username or await bot_username(session)
    except DomainError as exc:
        print(exc.render(_Lang.code), file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    expires = deps.calendar.local(result.expires_at)
    print(_("Uitnodigingscode: {code}", code=format_code(result.code)))
    print(
        _(
            "Rol: {rol}; wijkteam: {wijkteam}",
            rol=i18n.gettext(result.role.label, _Lang.code),
            wijkteam=result.wijkteam or "-",
        )
    )
    print(
        _(
            "Geldig tot en met {datum} {tijd}; één keer te gebruiken.",
            datum=format_date(expires.date(), _Lang.code),
            tijd=expires.strftime("%H:%M"),
        )
    )
    if username:
        print(_("Link: https://t.me/{bot}?start={code}", bot=username.lstrip("@"), code=result.code))
    else:
        print(_("De collega stuurt de bot het bericht: /start {code}", code=format_code(result.code)))
    return 0


NO_TOKEN = N_(
    "SCHULDHULPBOT_TOKEN ontbreekt. Maak in Telegram met @BotFather een bot aan (/newbot), kopieer "
    "het token en start opnieuw met: SCHULDHULPBOT_TOKEN=<token> schuldhulpbot run"
)


REJECTED_TOKEN = N_(
    "Telegram weigert het token in SCHULDHULPBOT_TOKEN. Controleer het bij @BotFather (/token) en "
    "start opnieuw."
)


ALREADY_RUNNING = N_(
    "Er draait al een schuldhulpbot op deze database ({bestand}). Stop die eerst; op SQLite kan er "
    "maar één tegelijk draaien (voor een reserve-exemplaar: PostgreSQL)."
)
CANNOT_START = N_("De bot kan niet starten: {fout}")
UNREACHABLE = N_("Telegram of de database is niet bereikbaar ({fout}); nieuwe poging over {n} seconden.")


NO_WEBHOOK_SECRET = N_(
    "Voor de webhook is SCHULDHULPBOT_WEBHOOK_SECRET nodig: 1 tot 256 tekens, letters, cijfers, _ "
    "en -. Telegram stuurt het mee met elke update; zonder weigert de bot het verzoek."
)


def _run(settings: Settings, args: argparse.Namespace | None = None) -> int:
    """Long polling until stopped (SIGINT or SIGTERM: the update and tick in progress finish).

    On SQLite a second process on the same file is refused; on PostgreSQL it stands by. With
    Telegram or the database unreachable it tries again with backoff, one line per try."""
    import asyncio
    import logging
    import socket
    import time

    from sqlalchemy.exc import DBAPIError
    from telegram.error import InvalidToken, NetworkError

    from bot.leadership import AlreadyRunning, FileLock, sqlite_path
    from bot.logs import quiet_startup_failures
    from handlers.app import LOST_KEY, build_application
    from handlers.webhook import run_webhook

    if settings.token is None:
        for lang in i18n.LANGUAGES:  # before the settings are read: say it in every language
            print(i18n.gettext(NO_TOKEN, lang), file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    quiet_startup_failures()
    database = sqlite_path(settings.database_url)
    lock = FileLock(database) if database is not None else None
    try:
        if lock is not None:
            lock.acquire()
    except AlreadyRunning as exc:
        print(_(ALREADY_RUNNING, bestand=str(exc)), file=sys.stderr)
        return 2
    url = getattr(args, "webhook", None) or (str(settings.webhook_url) if settings.webhook_url else None)
    if url is not None and settings.webhook_secret is None:
        print(_(NO_WEBHOOK_SECRET), file=sys.stderr)
        return 2
    port = getattr(args, "poort", None) or settings.webhook_port
    host = getattr(args, "luister", None) or settings.webhook_listen
    settings = settings.model_copy(update={"webhook_listen": host})  # the health port listens there too
    delay = 2.0
    try:
        while True:
            application = build_application(settings, single_active=True)
            try:
                if url is None:
                    application.run_polling(drop_pending_updates=False, close_loop=False)
                else:
                    assert settings.webhook_secret is not None
                    secret = settings.webhook_secret.get_secret_value()
                    asyncio.run(run_webhook(application, url, secret, host, port))
            except InvalidToken:  # its message holds the token: say what is wrong without it
                for lang in i18n.LANGUAGES:
                    print(i18n.gettext(REJECTED_TOKEN, lang), file=sys.stderr)
                return 2
            except (NetworkError, ConnectionError, TimeoutError, socket.gaierror, DBAPIError) as exc:
                print(_(UNREACHABLE, fout=type(exc).__name__, n=int(delay)), file=sys.stderr, flush=True)
                _fresh_loop()  # PTB's loop kept its signal handlers: Ctrl-C and SIGTERM stop the wait
                try:
                    time.sleep(delay)
                except KeyboardInterrupt:
                    return 0
                delay = min(delay * 2, 60.0)
                continue
            except OSError as exc:  # e.g. a port already in use: trying again will not help
                print(_(CANNOT_START, fout=str(exc)), file=sys.stderr)
                return 2
            return 1 if application.bot_data.get(LOST_KEY) else 0
    finally:
        if lock is not None:
            lock.release()


def _fresh_loop() -> None:
    """Close the event loop PTB left (with its signal handlers) and let signals interrupt again."""
    import asyncio
    import signal

    asyncio.get_event_loop().close()
    asyncio.set_event_loop(asyncio.new_event_loop())
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


DEMO_READY = N_("De demo draait: open {url} in je browser. Stoppen met Ctrl-C.")
DEMO_DATABASE_TAKEN = N_(
    "{bestand} bestaat al en is geen demodatabase. Kies een nieuw bestand: de demo schrijft niet in "
    "een echte database."
)


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    """The real bot against a Bot API of its own, with the web page, until Ctrl-C."""
    import asyncio
    import logging

    from handlers.demo.run import DemoDatabaseTaken, serve_until_stopped

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("alembic", "apscheduler", "telegram.ext"):  # the page shows what happens
        logging.getLogger(noisy).setLevel(logging.WARNING)

    def ready(demo: object) -> None:
        print(_(DEMO_READY, url=getattr(demo, "url", "")), flush=True)

    try:
        return asyncio.run(serve_until_stopped(args.database, args.poort, settings.language, ready))
    except DemoDatabaseTaken as exc:
        print(_(DEMO_DATABASE_TAKEN, bestand=str(exc)), file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is in use
        print(_(CANNOT_START, fout=str(exc)), file=sys.stderr)
        return 2


async def _accounts(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app_setup import open_database
    from bot.errors import DomainError
    from bot.services.common import Deps
    from bot.services.users import accounts, change_account

    config = settings.load_app_config()
    engine, sessionmaker = await open_database(settings, config)
    deps = Deps.from_config(config, settings.timezone)
    try:
        async with sessionmaker() as session:
            if args.account_command == "lijst":
                for user in await accounts(session, deps, None):
                    state = _("actief") if user.active else _("geblokkeerd")
                    print(f"{user.id:>6}  {user.role:<13} {user.display_name}  ({state})")
                return 0
            change = await change_account(
                session, deps, None, args.nummer, args.account_command == "deblokkeer"
            )
    except DomainError as exc:
        print(exc.render(_Lang.code), file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    if not change.changed:
        state = _("actief") if change.user.active else _("geblokkeerd")
        print(_("{naam} was al {stand}; niets gewijzigd.", naam=change.user.display_name, stand=state))
    elif change.user.active:
        print(_("{naam} kan de bot weer gebruiken.", naam=change.user.display_name))
    else:
        print(
            _(
                "{naam} is geblokkeerd. Open zaken naar de teamleiders: {zaken}",
                naam=change.user.display_name,
                zaken=", ".join(change.released) or "-",
            )
        )
    return 0


async def _audit_check(settings: Settings) -> int:
    from bot.app_setup import open_database
    from bot.services.auditlog import check_chain

    engine, sessionmaker = await open_database(settings, settings.load_app_config())
    try:
        async with sessionmaker() as session:
            report = await check_chain(session)
    finally:
        await engine.dispose()
    if report.check.broken_at is not None:
        print(
            _(
                "Het auditlog is gewijzigd: regel {id} past niet in de keten (gewijzigd, ingevoegd of "
                "een regel ervoor verwijderd).",
                id=str(report.check.broken_at),
            ),
            file=sys.stderr,
        )
        return 1
    if not report.tail_ok:
        print(_("Het auditlog is ingekort: de laatste regels ontbreken."), file=sys.stderr)
        return 1
    rows = report.check.rows
    print(
        i18n.ngettext(
            "Het auditlog is ongeschonden: {n} regel.",
            "Het auditlog is ongeschonden: {n} regels.",
            rows,
            _Lang.code,
        )
    )
    return 0


async def _rapport(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.app_setup import open_database
    from bot.errors import DomainError
    from bot.periods import parse_quarter
    from bot.reportfiles import write
    from bot.services import ddas_export
    from bot.services.common import Deps
    from bot.services.export import quarterly_sheets

    config = settings.load_app_config()
    deps = Deps.from_config(config, settings.timezone)
    try:
        period = parse_quarter(args.kwartaal)
        ddas_export.check_period(deps, period)
    except DomainError as exc:
        print(exc.render(_Lang.code), file=sys.stderr)
        return 2
    engine, sessionmaker = await open_database(settings, config)
    try:
        async with sessionmaker() as session:
            if args.formaat == "ddas":
                paths = (await ddas_export.delivery(session, deps, period)).write(args.uit)
            else:
                sheets = await quarterly_sheets(session, deps, period)
                try:
                    paths = await asyncio.to_thread(write, sheets, args.uit, args.formaat)
                finally:
                    for sheet in sheets:
                        sheet.close()
    except DomainError as exc:
        print(exc.render(_Lang.code), file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    for path in paths:
        print(_("Geschreven: {bestand}", bestand=str(path)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    wanted = os.environ.get("SCHULDHULPBOT_LANGUAGE", i18n.DEFAULT_LANGUAGE)
    _Lang.code = wanted if wanted in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE  # for --help already
    args = build_parser().parse_args(argv)
    import asyncio

    from pydantic import ValidationError

    from bot.config import ConfigError
    from bot.settings import Settings

    settings: Settings | None = None
    settings_error: ValidationError | None = None
    try:
        settings = Settings()
        _Lang.code = settings.language
    except ValidationError as exc:
        settings_error = exc
    if args.command == "config":
        return _config_check(settings, args.file)
    if settings is None:
        print(_("Ongeldige instelling in de omgeving:"), file=sys.stderr)
        for err in settings_error.errors() if settings_error else ():
            key = "SCHULDHULPBOT_" + "_".join(str(p) for p in err["loc"]).upper()
            print(f"  - {key}: {err['msg']}", file=sys.stderr)
        return 2
    try:
        if args.command == "run":
            return _run(settings, args)
        if args.command == "demo":
            return _demo(settings, args)
        if args.command == "db":
            return asyncio.run(_db_upgrade(settings))
        if args.command == "invite":
            return asyncio.run(_invite(settings, args))
        if args.command == "rapport":
            return asyncio.run(_rapport(settings, args))
        if args.command == "audit":
            return asyncio.run(_audit_check(settings))
        if args.command == "gebruiker":
            return asyncio.run(_accounts(settings, args))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
