from app.accounts import totp


def test_rfc6238_reference_vector():
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
    # the 6-digit code is its last six digits.
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59 // 30) == "287082"


def test_matching_step_accepts_drift_and_refuses_replay():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    step = totp.current_step(now)
    code = totp.code_at(secret, step - 1)
    assert totp.matching_step(secret, code, now=now) == step - 1
    assert totp.matching_step(secret, code, after=step - 1, now=now) is None
    assert totp.matching_step(secret, "12345", now=now) is None
    assert totp.matching_step(secret, "abcdef", now=now) is None


def test_secret_box_round_trip_and_wrong_key():
    box = totp.SecretBox("key-one")
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert sealed != "JBSWY3DPEHPK3PXP"
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"
    assert totp.SecretBox("key-two").open(sealed) is None
