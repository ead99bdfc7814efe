"""Webhook mode, for deployments behind a reverse proxy: Telegram posts each update to our URL.

An aiohttp server takes POSTs on the webhook's path, checks Telegram's `secret_token` header on
every request (403 without it, nothing processed), and hands the update to the Application. A
standby replica answers 503 so Telegram tries again later (by then at the active one). GET
/gezond answers 200 only when this replica is active and its database answers, else 503: a load
balancer sends the traffic to the active replica.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update

from bot.db import answers
from handlers.runtime import RUNTIME_KEY, Runtime

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/gezond"
ACTIVE_KEY = "active"  # in bot_data: True once this replica holds the lock and its database is open
MAX_BODY = 1 << 20  # an update is far smaller; a larger body is not Telegram


def web_app(application: Any, secret: str | None, path: str | None) -> web.Application:
    """The aiohttp application: the webhook's path (in webhook mode) and /gezond."""

    async def take_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if secret is None or not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("webhook request without the right secret token refused")
            return web.Response(status=403, text="verboden")
        if not application.bot_data.get(ACTIVE_KEY):
            return web.Response(status=503, text="stand-by")  # Telegram retries the update later
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="te groot")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="geen update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        if not application.bot_data.get(ACTIVE_KEY):
            return web.Response(status=503, text="stand-by")
        runtime: Runtime | None = application.bot_data.get(RUNTIME_KEY)
        if runtime is None:
            return web.Response(status=503, text="start")
        if not await answers(runtime.sessionmaker):
            logger.warning("health check: the database does not answer")
            return web.Response(status=503, text="database")
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    if path is not None:
        app.router.add_post(path, take_update)
    app.router.add_get(HEALTH_PATH, health)
    return app


async def start_server(
    application: Any, secret: str | None, path: str | None, host: str, port: int
) -> web.AppRunner:
    """Listen for Telegram (with a path) and the load balancer or container health check; the
    caller cleans the runner up."""
    runner = web.AppRunner(web_app(application, secret, path), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the server listens on (for port 0: the one the system chose)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            return int(server.sockets[0].getsockname()[1])
    raise RuntimeError("not listening")


STOP_KEY = "stop"  # in bot_data: the event that ends run_webhook


async def run_webhook(application: Any, url: str, secret: str, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM (or a lost active lock): the server first, so /gezond answers
    503 while this replica stands by; then start-up, the webhook registered with Telegram (pending
    updates kept), and the Application running."""
    import asyncio
    import signal
    from urllib.parse import urlsplit

    stop = asyncio.Event()
    application.bot_data[STOP_KEY] = stop
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = await start_server(application, secret, urlsplit(url).path or "/", host, port)
    initialized = False
    try:
        await application.initialize()
        initialized = True
        starting = asyncio.ensure_future(application.post_init(application))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # stopped while standing by
            starting.cancel()
            return
        stopping.cancel()
        starting.result()
        await application.bot.set_webhook(
            url, secret_token=secret, drop_pending_updates=False, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        logger.info("webhook: updates arrive on %s", urlsplit(url).path or "/")
        await stop.wait()
    finally:
        # from here on an update gets 503 (Telegram sends it again later, to whoever is active),
        # never a 200 for an update the stopping Application would not handle
        application.bot_data[ACTIVE_KEY] = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if application.running:
            await application.stop()
        if initialized:
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
        await runner.cleanup()
