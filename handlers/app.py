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
from bot.logs import quiet_http_logs
from bot.services.common import Deps
from bot.services.users import remember_bot_username
from bot.settings import Settings
from handlers import register
from handlers.runtime import RUNTIME_KEY, Runtime
from handlers.views.menus import set_default_commands
from scheduler.dispatcher import Dispatcher, schedule
from scheduler.ratelimit import ChatRateLimiter

logger = logging.getLogger(__name__)
ENGINE_KEY = "engine"

App = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings,
    config: AppConfig | None = None,
    *,
    request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limit: bool = True,
    schedule_reminders: bool = True,
) -> App:
    """Build the bot; tests inject `request` (a fake Bot API) and `clock`."""
    if settings.token is None:
        raise ValueError("SCHULDHULPBOT_TOKEN is not set")
    config = config or settings.load_app_config()
    quiet_http_logs(settings.token.get_secret_value())
    deps = Deps.from_config(config, settings.timezone, clock)

    async def post_init(application: App) -> None:
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
        logger.info("schuldhulpbot ready as @%s", application.bot.username)

    async def post_shutdown(application: App) -> None:
        engine = application.bot_data.pop(ENGINE_KEY, None)
        if engine is not None:
            await engine.dispose()

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
