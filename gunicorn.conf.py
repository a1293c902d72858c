"""Settings gunicorn reads from the working directory (`make serve`, the benchmarks).

Each worker loads the spaCy pipeline before it takes requests (the first reports after a
start are not queued behind a model load), then plans the hot read queries in the
background (app/warmup.py) while it already serves. Each worker also runs a background
round (app/background.py): feedback reminders and, with CORDON_SMTP_URL set, the
notification mail outbox.

The access log never holds a hotline tipster's address, browser or referrer: requests to
the hotline's public side and to static assets, and any request whose Referer names the
hotline, are logged with "-" in their place (the app already strips them from the environ;
this also covers header and environ atoms a custom access_log_format might use).
"""

import os
import threading
import time

from gunicorn.glogging import Logger

# One worker process per core unless WEB_CONCURRENCY says otherwise; threads within each
# worker wait on Neo4j while another works. Sessions, rate limits (with Redis) and the
# embedded Neo4j (started once, under a file lock) are shared between the workers.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
threads = int(os.environ.get("CORDON_THREADS") or 8)


def _anonymous(path: str, referer: str) -> bool:
    if path == "/hotline/tips" or path.startswith("/hotline/tips/"):
        return False  # the analysts' pages: signed-in officers
    return (path.startswith(("/hotline", "/static/")) or path == "/favicon.ico"
            or "/hotline" in referer)


class AnonymisingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        headers = dict((name.lower(), value) for name, value in getattr(req, "headers", []))
        if _anonymous(environ.get("PATH_INFO") or "", headers.get("referer", "")):
            for key in atoms:
                if key.endswith(("}i", "}e")):
                    atoms[key] = "-"
            atoms.update(h="-", a="-", f="-", u="-")
        return atoms


logger_class = AnonymisingLogger


def when_ready(server):
    """Say at start what several workers without a shared rate-limit store mean."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "%d workers count rate limits each on their own (RATELIMIT_STORAGE_URI is "
            "memory://): a client gets up to %d times the configured limit. Set "
            "RATELIMIT_STORAGE_URI=redis://host:6379 to share them, or WEB_CONCURRENCY=1.",
            server.cfg.workers, server.cfg.workers)


def post_worker_init(worker):  # gunicorn passes the worker, its app already loaded
    from nlp import get_nlp

    get_nlp()
    threading.Thread(target=_warm_up, args=(worker,), name="warm-up", daemon=True).start()
    from app.background import start_worker

    start_worker(worker.wsgi)


def _warm_up(worker):
    from app.warmup import warm_up

    t0 = time.perf_counter()
    outcome = warm_up(worker.wsgi)
    worker.log.info("warm-up in %.1f s: %s", time.perf_counter() - t0, outcome)
