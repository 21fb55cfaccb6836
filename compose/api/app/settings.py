"""Settings of the shop API: config from the environment, secrets from files.

Secrets are never read from the environment: a variable NAME_FILE holds the path of the
file under /run/secrets that holds the value (the convention of the official images).
"""
import os
from pathlib import Path


def config(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def secret(name: str) -> str:
    path = os.environ.get(f"{name}_FILE")
    if not path:
        raise RuntimeError(f"{name}_FILE is not set; mount the secret and point {name}_FILE at it")
    return Path(path).read_text().strip()


LOG_LEVEL = config("LOG_LEVEL", "INFO")
DEBUG = config("DEBUG", "false").lower() == "true"
CORS_ORIGINS = [o for o in config("CORS_ORIGINS").split(",") if o]
DB_DSN = {"host": config("DB_HOST", "db"), "dbname": config("POSTGRES_DB"), "user": config("POSTGRES_USER")}
REDIS_HOST = config("REDIS_HOST", "redis")
LLM_MODEL = config("LLM_MODEL")
