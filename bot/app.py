"""The application factory: python-telegram-bot's Application with handlers, JobQueue, rate
limiter, Defaults, and the database opened in post_init and closed in post_shutdown."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.clock import Clock, system_clock
from bot.config import AppConfig
from bot.services.common import Deps
from bot.settings import Settings

logger = logging.getLogger(__name__)
ENGINE_KEY = "engine"


# Loggers whose lower levels print request URLs (with the token), Bot API parameters (message
# texts) or SQL parameters (free text): never below these levels, whatever LOG_LEVEL says.
_LOUD_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram.Bot": logging.INFO,
    "telegram.ext.ExtBot": logging.INFO,
    "aiosqlite": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
}


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a log line."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg, record.args = record.getMessage().replace(self.token, "[token]"), None
        return True


def quiet_http_logs(token: str | None = None) -> None:
    """Keep the token and message texts out of the logs (DOMAIN.md section 7)."""
    for name, level in _LOUD_LOGGERS.items():
        logger_ = logging.getLogger(name)
        logger_.setLevel(max(level, logger_.getEffectiveLevel()))
    if token:
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, RedactToken) for f in handler.filters):
                handler.addFilter(RedactToken(token))


def build_application(
    settings: Settings,
    config: AppConfig | None = None,
    *,
    request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limit: bool = True,
    schedule_reminders: bool = True,
) -> Application:  # type: ignore[type-arg]
    """Build the bot; tests inject `request` (a fake Bot API) and `clock`."""
    from bot.app_setup import open_database
    from bot.services.users import remember_bot_username
    from handlers import register
    from handlers.common import RUNTIME_KEY, Runtime
    from handlers.menus import set_default_commands
    from scheduler.dispatcher import Dispatcher, schedule

    if settings.token is None:
        raise ValueError("SCHULDHULPBOT_TOKEN is not set")
    config = config or settings.load_app_config()
    quiet_http_logs(settings.token.get_secret_value())
    deps = Deps.from_config(config, settings.timezone, clock)

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        engine, sessionmaker = await open_database(settings, config)
        application.bot_data[ENGINE_KEY] = engine
        application.bot_data[RUNTIME_KEY] = Runtime(sessionmaker, deps, settings)
        async with sessionmaker() as session:
            await remember_bot_username(session, application.bot.username)
        await set_default_commands(application.bot)
        if schedule_reminders:
            dispatcher = Dispatcher(sessionmaker, deps, application.bot)
            schedule(application, dispatcher, config.planner.interval_seconden)
        logger.info("schuldhulpbot ready as @%s", application.bot.username)

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
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
        # Stays under Telegram's limits (30/s overall, 1/s per chat) and retries a 429 as asked.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.api_base_url is not None:
        base = str(settings.api_base_url).rstrip("/")
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = builder.build()
    register(application)
    return application
