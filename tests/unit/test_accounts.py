import pytest

from app.accounts.passwords import hash_password, policy_problems, verify_password
from app.accounts.service import AccountError, normalise_email
from graph.embedded import parse_size
from graph.migrations import load_migrations, split_statements


def test_password_hash_is_argon2_and_verifies():
    hashed = hash_password("a-long-test-password-1")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a-long-test-password-1")
    assert not verify_password(hashed, "a-long-test-password-2")
    assert not verify_password("not-a-hash", "whatever")


def test_passwords_are_hashed_at_production_cost_outside_the_tests(production_password_hashing):
    """argon2-cffi's defaults (RFC 9106's low-memory profile): 64 MiB, 3 passes, 4 lanes;
    the suite hashes at less (tests/conftest.py), the application never does."""
    hashed = hash_password("a-long-test-password-1")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(hashed, "a-long-test-password-1")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 12"),
        ("aaaaaaaaaaaaaaaa", "5 different"),
        ("jsmith-2026-password", "e-mail"),
        ("qwerty123456", "most common"),
        ("1q2w3e4r5t6y", "most common"),
    ],
)
def test_password_policy_refuses_weak_passwords(password, fragment):
    problems = policy_problems(password, "jsmith@customs.example")
    assert any(fragment in p for p in problems)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("bob@customs.example", "bob-winter-coat-7"),  # three letters: refused too now
        ("jo@customs.example", "jojojojo-2027"),  # two letters that make up the password
        ("j.smith@customs.example", "Smith-rocks-the-house"),  # a part of the name
    ],
)
def test_password_policy_refuses_the_email_name_of_any_length(email, password):
    assert any("e-mail name" in p for p in policy_problems(password, email))


def test_a_short_email_name_does_not_forbid_its_letters():
    assert policy_problems("a long quiet harbour", "a@customs.example") == []
    assert policy_problems("jo-a-long-passphrase", "jo@customs.example") == []


def test_the_common_password_list_ships_ten_thousand():
    from app.accounts.passwords import common_passwords

    assert len(common_passwords()) == 10_000 and "password" in common_passwords()


def test_password_policy_accepts_a_passphrase():
    assert policy_problems("correct horse battery staple", "jsmith@customs.example") == []


def test_email_normalised_and_validated():
    assert normalise_email("  Officer@Customs.Example ") == "officer@customs.example"
    for bad in ["", "no-at-sign", "a@b", "a b@c.org", "x" * 250 + "@c.org"]:
        with pytest.raises(AccountError):
            normalise_email(bad)


def test_parse_size():
    assert parse_size("512m") == 512 * 1024**2
    assert parse_size("1g") == 1024**3
    assert parse_size("4096") == 4096


def test_split_statements_drops_comments_and_blank_statements():
    # Cypher as text only: the migration statement splitter is under test, nothing is run.
    text = (
        "// a comment; with a semicolon\n"
        "CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\n\n;\nRETURN 1;"
    )
    assert split_statements(text) == ["CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)", "RETURN 1"]


def test_repository_migrations_are_well_formed_and_idempotent():
    # Cypher as text only: the migrations' own statements are checked, none is run here.
    migrations = load_migrations()
    assert [m.version for m in migrations] == sorted(m.version for m in migrations)
    for migration in migrations:
        for statement in migration.statements:
            if statement.startswith("CREATE"):
                assert "IF NOT EXISTS" in statement, statement
