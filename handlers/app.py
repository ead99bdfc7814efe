"""The application factory: python-telegram-bot's Application with the handlers, the JobQueue
dispatcher, the rate limiter and Defaults; the database opened in post_init, closed in
post_shutdown."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.app_setup import open_database
from bot.clock import Clock, system_clock
from bot.config import AppConfig
from bot.leadership import PostgresLeadership, sqlite_path
from bot.logs import quiet_http_logs
from bot.services.common import Deps
from bot.services.users import remember_bot_username
from bot.settings import Settings
from handlers import register
from handlers.runtime import RUNTIME_KEY, Runtime
from handlers.views.menus import set_default_commands
from handlers.webhook import ACTIVE_KEY, STOP_KEY, start_server
from scheduler.dispatcher import Dispatcher, schedule
from scheduler.ratelimit import ChatRateLimiter

logger = logging.getLogger(__name__)
ENGINE_KEY = "engine"
LEADERSHIP_KEY = "leadership"
HEALTH_KEY = "health_server"
LOST_KEY = "lost_active_lock"  # set when the active lock went: the process stops, exit code 1


async def _become_active(application: App, settings: Settings) -> None:
    """Wait as a standby until this process holds the active lock, then check it as often."""
    leadership = PostgresLeadership(settings.database_url)
    application.bot_data[LEADERSHIP_KEY] = leadership
    await leadership.acquire(
        on_standby=lambda: logger.warning("stand-by: een andere schuldhulpbot is actief op deze database")
    )
    logger.info("actief: deze schuldhulpbot verwerkt de updates")
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _check_active,
        interval=leadership.poll_seconds,
        name="actief",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


async def _check_active(context: Any) -> None:
    """Stop as soon as the lock's connection is lost: a standby may be taking over."""
    application = context.application
    leadership = application.bot_data.get(LEADERSHIP_KEY)
    if leadership is not None and not await leadership.still_active():
        application.bot_data[LOST_KEY] = True
        application.bot_data[ACTIVE_KEY] = False
        stop = application.bot_data.get(STOP_KEY)
        if stop is not None:  # webhook mode
            stop.set()
        else:
            application.stop_running()


App = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings,
    config: AppConfig | None = None,
    *,
    request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limit: bool = True,
    schedule_reminders: bool = True,
    single_active: bool = False,
) -> App:
    """Build the bot; tests inject `request` (a fake Bot API) and `clock`. With `single_active`
    on PostgreSQL the process waits as a standby until it holds the active lock (bot.leadership)."""
    if settings.token is None:
        raise ValueError("SCHULDHULPBOT_TOKEN is not set")
    config = config or settings.load_app_config()
    quiet_http_logs(settings.token.get_secret_value())
    deps = Deps.from_config(config, settings.timezone, clock)

    async def post_init(application: App) -> None:
        if settings.health_port is not None:  # answers 503 while standing by, 200 once active
            application.bot_data[HEALTH_KEY] = await start_server(
                application, None, None, settings.webhook_listen, settings.health_port
            )
        if single_active and sqlite_path(settings.database_url) is None:
            await _become_active(application, settings)
        engine, sessionmaker = await open_database(settings, config)
        application.bot_data[ENGINE_KEY] = engine
        application.bot_data[RUNTIME_KEY] = Runtime(sessionmaker, deps, settings)
        async with sessionmaker() as session:
            await remember_bot_username(session, application.bot.username)
        await set_default_commands(application.bot)
        if schedule_reminders:
            schedule(
                application, Dispatcher(sessionmaker, deps, application.bot), config.planner.interval_seconden
            )
        application.bot_data[ACTIVE_KEY] = True  # /gezond answers 200 from here
        logger.info("schuldhulpbot ready as @%s", application.bot.username)

    async def post_shutdown(application: App) -> None:
        engine = application.bot_data.pop(ENGINE_KEY, None)
        if engine is not None:
            await engine.dispose()
        health = application.bot_data.pop(HEALTH_KEY, None)
        if health is not None:
            await health.cleanup()
        leadership = application.bot_data.pop(LEADERSHIP_KEY, None)
        if leadership is not None:
            await leadership.release()

    builder = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(settings.timezone)))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if rate_limit:
        # Telegram's 30/s overall; a 429 pauses only its own chat (see scheduler.ratelimit).
        builder = builder.rate_limiter(ChatRateLimiter())  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.api_base_url is not None:
        base = str(settings.api_base_url).rstrip("/")
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = builder.build()
    register(application)
    return application
