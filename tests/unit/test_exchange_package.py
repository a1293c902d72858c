"""Exchange packages without a database: sealed for one partner, signed by one instance;
every alteration, a stranger's signature or another recipient is refused with a reason."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from graph.exchange.package import (
    PackageRefused,
    instance_keys,
    open_package,
    public_key_problem,
    seal,
    sha256,
)

PAYLOAD = {
    "sender": {"administration": "Customs A", "country": "BG"},
    "recipient": "Customs B",
    "reports": [{"reference": "R-2026-000001-S1", "text": "Lorry CA1234KX near Varna.",
                 "handling": "open", "grading": {"scheme": "admiralty"}}],
    "entities": [{"id": "vehicle:CA1234KX", "ref": "CA1234KX", "kind": "Vehicle"}],
    "relations": [],
}


@pytest.fixture
def sender(tmp_path):
    return instance_keys(tmp_path / "a")


@pytest.fixture
def receiver(tmp_path):
    return instance_keys(tmp_path / "b")


def sealed(sender, receiver, payload=PAYLOAD) -> bytes:
    return seal(payload, sender, receiver.encryption_key, package_id="p-1",
                created="2026-12-07T08:00:00Z")


def test_round_trip_and_manifest(sender, receiver):
    opened = open_package(sealed(sender, receiver), receiver, {sender.verify_key}.__contains__)
    assert opened.sender_key == sender.verify_key and opened.package_id == "p-1"
    assert opened.payload["reports"] == PAYLOAD["reports"]
    assert opened.payload["manifest"]["reports"] == [
        {"reference": "R-2026-000001-S1", "sha256": sha256(PAYLOAD["reports"][0])}]


def test_keys_are_made_once_and_private(tmp_path):
    first = instance_keys(tmp_path / "x")
    again = instance_keys(tmp_path / "x")
    assert (first.verify_key, first.encryption_key) == (again.verify_key, again.encryption_key)
    for name in ("signing_key", "encryption_key"):
        assert stat.S_IMODE(os.stat(tmp_path / "x" / "exchange" / name).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "x" / "exchange").st_mode) == 0o700


def test_every_flipped_byte_is_refused(sender, receiver):
    data = sealed(sender, receiver)
    for position in range(0, len(data), 7):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        with pytest.raises(PackageRefused):
            open_package(bytes(flipped), receiver, lambda key: True)


def test_unknown_sender_and_other_recipient(sender, receiver, tmp_path):
    data = sealed(sender, receiver)
    with pytest.raises(PackageRefused, match="signed by no known partner"):
        open_package(data, receiver, lambda key: False)
    stranger = instance_keys(tmp_path / "c")
    with pytest.raises(PackageRefused, match="encrypted to another instance"):
        open_package(data, stranger, lambda key: True)


def test_a_resigned_content_change_is_caught_by_the_signature(sender, receiver, tmp_path):
    envelope = json.loads(sealed(sender, receiver))
    envelope["package_id"] = "p-2"  # header and ciphertext are both signed
    with pytest.raises(PackageRefused, match="signature does not verify"):
        open_package(json.dumps(envelope).encode(), receiver, lambda key: True)


@pytest.mark.parametrize("data, reason", [
    (b"\xff\xfe", "does not read as JSON"),
    (b'{"format": "something else"}', "not a Cordon exchange package"),
    (b'{"format": "cordon-exchange-package", "version": 9}', "version 9"),
])
def test_not_a_package(receiver, data, reason):
    with pytest.raises(PackageRefused, match=reason):
        open_package(data, receiver, lambda key: True)


def test_public_key_problems(sender):
    assert public_key_problem(sender.verify_key, "ed25519") is None
    assert public_key_problem(sender.encryption_key, "x25519") is None
    assert "not base64" in public_key_problem("zz!", "ed25519")
    assert "is 3 bytes long" in public_key_problem("AAAA", "x25519")
    assert public_key_problem(base64.b64encode(bytes(32)).decode(), "x25519") == \
        "is not a valid key"
