"""Settings gunicorn reads from the working directory (`make serve`, the benchmarks).

Each worker loads the spaCy pipeline before it takes requests: the first reports after a
start are then not queued behind a model load (about two seconds here).
"""


def post_worker_init(worker):  # gunicorn passes the worker
    from nlp import get_nlp

    get_nlp()
