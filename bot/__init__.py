"""schuldhulpbot: the debt-help chain's Telegram assistant (domain, database and services)."""

__version__ = "0.1.0"
