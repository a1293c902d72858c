"""Settings gunicorn reads from the working directory (`make serve`, the benchmarks).

Each worker loads the spaCy pipeline before it takes requests (the first reports after a
start are not queued behind a model load), then plans the hot read queries in the
background (app/warmup.py) while it already serves. With CORDON_SMTP_URL set, each worker
also sends the notification mail outbox from a background thread (app/mail.py).
"""

import threading
import time


def post_worker_init(worker):  # gunicorn passes the worker, its app already loaded
    from nlp import get_nlp

    get_nlp()
    threading.Thread(target=_warm_up, args=(worker,), name="warm-up", daemon=True).start()
    from app.mail import start_worker

    start_worker(worker.wsgi)


def _warm_up(worker):
    from app.warmup import warm_up

    t0 = time.perf_counter()
    outcome = warm_up(worker.wsgi)
    worker.log.info("warm-up in %.1f s: %s", time.perf_counter() - t0, outcome)
