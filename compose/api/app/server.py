"""A small HTTP API: /healthz answers when the process runs, /readyz when PostgreSQL and Redis answer."""
import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import redis

from . import settings

log = logging.getLogger("shop.api")


def ready() -> dict:
    checks = {}
    try:
        with psycopg.connect(**settings.DB_DSN, password=settings.secret("DB_PASSWORD"), connect_timeout=2) as conn:
            conn.execute("select 1")
        checks["db"] = "ok"
    except Exception as error:  # report, never crash the probe
        checks["db"] = type(error).__name__
    try:
        redis.Redis(host=settings.REDIS_HOST, password=settings.secret("REDIS_PASSWORD"), socket_timeout=2).ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = type(error).__name__
    return checks


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/healthz":
            self.reply(200, {"status": "ok"})
        elif self.path == "/readyz":
            checks = ready()
            self.reply(200 if all(v == "ok" for v in checks.values()) else 503, checks)
        else:
            self.reply(404, {"error": "not found"})

    def reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for origin in settings.CORS_ORIGINS:
            self.send_header("Access-Control-Allow-Origin", origin)
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    logging.basicConfig(level=settings.LOG_LEVEL)
    log.info("listening on :8000 (debug=%s)", settings.DEBUG)
    ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()


if __name__ == "__main__":
    main()
