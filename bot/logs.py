"""Log hygiene: no bot token and no message texts in any log line, whatever the level."""

from __future__ import annotations

import logging

# Loggers whose lower levels print request URLs (with the token), Bot API parameters (message
# texts) or SQL parameters (free text): never below these levels, whatever LOG_LEVEL says.
_LOUD_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram.Bot": logging.INFO,
    "telegram.ext.ExtBot": logging.INFO,
    "telegram.ext.Application": logging.INFO,  # "Processing update Update(... text='...')" at DEBUG
    "aiosqlite": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
}


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a log line or a logged traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        if self.token in record.getMessage():
            record.msg, record.args = record.getMessage().replace(self.token, "[token]"), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "[token]")
        return True


def quiet_http_logs(token: str | None = None) -> None:
    """Keep the token and message texts out of the logs (bot/README.md, "Privacy")."""
    for name, level in _LOUD_LOGGERS.items():
        logger_ = logging.getLogger(name)
        logger_.setLevel(max(level, logger_.getEffectiveLevel()))
    if token:
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, RedactToken) for f in handler.filters):
                handler.addFilter(RedactToken(token))


class NoStartupTraceback(logging.Filter):
    """PTB logs a failed start-up (Telegram unreachable) with a long traceback; `run` says it in
    one line of its own and tries again, so the record goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Network Retry Loop (Bootstrap")


def quiet_startup_failures() -> None:
    """Install NoStartupTraceback on the logger PTB uses for it (once)."""
    ptb = logging.getLogger("telegram.ext")
    if not any(isinstance(f, NoStartupTraceback) for f in ptb.filters):
        ptb.addFilter(NoStartupTraceback())
