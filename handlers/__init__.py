"""Telegram handlers: thin callbacks that parse an update, call one service and reply."""
