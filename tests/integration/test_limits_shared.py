"""Rate limits shared through Redis when several processes serve (RATELIMIT_STORAGE_URI).

Two app instances stand for two gunicorn workers: with Redis they draw on one budget kept
in Redis, which every worker process reads (in-memory counts stay in one process)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis

from app import create_app
from config import TestConfig


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_uri(tmp_path_factory):
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: `make redis` installs it"
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def _workers(app_config, storage: str) -> list:
    overrides = {**app_config, "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_API": "3 per minute"}
    return [create_app(TestConfig, overrides) for _ in range(2)]


def _statuses(apps) -> list[int]:
    first, second = (app.test_client() for app in apps)
    return [client.get("/api/v1/me").status_code for client in (first, first, second, second)]


def test_two_workers_share_one_budget_through_redis(app_config, _migrated, redis_uri):
    store = redis.Redis.from_url(redis_uri)
    store.flushall()
    apps = _workers(app_config, redis_uri)
    try:
        assert _statuses(apps) == [401, 401, 401, 429]
        # The counts live in Redis, where every worker process reads them.
        assert any(b"/api/v1" in key or b"LIMITS" in key for key in store.keys("*"))
    finally:
        for app in apps:
            app.extensions["neo4j"].close()
