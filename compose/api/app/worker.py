"""Background worker: takes jobs from the Redis list `jobs` and records them in PostgreSQL."""
import logging

import psycopg
import redis

from . import settings

log = logging.getLogger("shop.worker")


def main() -> None:
    logging.basicConfig(level=settings.LOG_LEVEL)
    queue = redis.Redis(host=settings.REDIS_HOST, password=settings.secret("REDIS_PASSWORD"))
    # One connection string, rendered by planes from the password and the config (a templated secret).
    with psycopg.connect(settings.secret("DATABASE_URL")) as conn:
        conn.execute("create table if not exists jobs (id bigserial primary key, body text not null)")
        conn.commit()
        log.info("waiting for jobs (model %s)", settings.LLM_MODEL)
        while True:
            _, body = queue.blpop(["jobs"])
            conn.execute("insert into jobs (body) values (%s)", (body.decode(),))
            conn.commit()


if __name__ == "__main__":
    main()
