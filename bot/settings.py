"""Process settings from SCHULDHULPBOT_* environment variables; invalid values stop the start."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import AppConfig, load_config
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///schuldhulpbot.db"


class Settings(BaseSettings):
    """The interface contract (README, "Configuration"): extend, never rename."""

    model_config = SettingsConfigDict(env_prefix="SCHULDHULPBOT_", extra="ignore")

    token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    config: Path | None = None
    api_base_url: AnyHttpUrl | None = None
    timezone: str = "Europe/Amsterdam"
    bot_username: str | None = None
    language: str = DEFAULT_LANGUAGE
    log_level: str = "INFO"
    # webhook mode (instead of long polling), behind a reverse proxy
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_listen: str = "0.0.0.0"
    # /gezond on a port of its own, also with long polling (containers, systemd watchdogs)
    health_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token; the value itself is never shown
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1 tot 256 tekens: letters, cijfers, _ en -")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"onbekende tijdzone {value!r}, bijvoorbeeld Europe/Amsterdam") from None
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"kies uit {', '.join(LANGUAGES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("kies uit DEBUG, INFO, WARNING, ERROR of CRITICAL")
        return value.upper()

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Operators paste plain URLs; the engine needs the async drivers.
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+asyncpg://" + value.removeprefix(prefix)
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("verwacht sqlite:///pad/naar/bestand.db of postgresql://gebruiker@host/database")
        return value

    def load_app_config(self) -> AppConfig:
        """The TOML file named by SCHULDHULPBOT_CONFIG, or the shipped default."""
        return load_config(self.config)
