"""The importer's read-ahead: order kept, producer errors raised in the consumer, an early
stop of the consumer stops the producer (no thread left reading the file)."""

import threading
import time

import pytest

from graph.exchange.readahead import read_ahead


def test_items_arrive_in_order_and_all_of_them():
    assert list(read_ahead(range(1000), depth=3)) == list(range(1000))


def test_producer_runs_ahead_while_the_consumer_works():
    produced: list[int] = []

    def items():
        for i in range(4):
            produced.append(i)
            yield i

    stream = read_ahead(items(), depth=2)
    assert next(stream) == 0
    deadline = time.monotonic() + 2
    while len(produced) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert produced[:3] == [0, 1, 2]  # parsed while the consumer was still on item 0
    assert list(stream) == [1, 2, 3]


def test_an_error_in_the_producer_is_raised_where_the_consumer_reaches_it():
    def items():
        yield 1
        yield 2
        raise ValueError("line 3 unreadable")

    seen = []
    with pytest.raises(ValueError, match="line 3 unreadable"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_stops_the_producer_and_closes_its_source():
    closed = threading.Event()

    def endless():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    stream = read_ahead(endless(), depth=2)
    with pytest.raises(RuntimeError):
        for item in stream:
            if item == 5:
                raise RuntimeError("database gone")
    stream.close()
    assert closed.wait(2)
    assert not any(t.name == "read-ahead" and t.is_alive() for t in threading.enumerate())
