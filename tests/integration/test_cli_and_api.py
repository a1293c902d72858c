"""The flask commands and token authentication of the API, on the real graph."""

from graph.units import UnitRepository
from graph.users import UserRepository


def test_db_upgrade_is_idempotent_and_status_lists_migrations(runner):
    first = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "schema up to date (0 applied now)" in first.output  # the session applied them
    status = runner.invoke(args=["db", "status"])
    assert "V0001" in status.output and "pending" not in status.output


def test_users_create_with_password_from_stdin(runner, graph):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "handler@customs.example",
            "--role",
            "handler",
            "--unit",
            "HQ",
            "--password-stdin",
        ],
        input="a-long-border-passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert UserRepository(graph).by_email("handler@customs.example")["role"] == "handler"


def test_users_create_refuses_bad_input_cleanly(runner, graph):
    bad_unit = runner.invoke(
        args=[
            "users",
            "create",
            "x@customs.example",
            "--role",
            "analyst",
            "--unit",
            "Atlantis",
            "--password-stdin",
        ],
        input="a-long-handler-password\n",
    )
    assert bad_unit.exit_code != 0 and "does not exist" in bad_unit.output
    weak = runner.invoke(
        args=["users", "create", "x@customs.example", "--role", "analyst", "--password-stdin"],
        input="weak\n",
    )
    assert weak.exit_code != 0 and "at least 12" in weak.output
    assert UserRepository(graph).by_email("x@customs.example") is None


def test_units_form_a_tree(runner, graph):
    assert (
        runner.invoke(
            args=["units", "create", "East", "--kind", "regional", "--parent", "HQ"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            args=["units", "create", "BCP-1", "--kind", "bcp", "--parent", "East"]
        ).exit_code
        == 0
    )
    orphan = runner.invoke(args=["units", "create", "BCP-2", "--kind", "bcp"])
    assert orphan.exit_code != 0 and "needs a parent" in orphan.output
    units = {u["name"]: u for u in UnitRepository(graph).list()}
    assert units["BCP-1"]["parent"] == "East" and units["East"]["parent"] == "HQ"


def test_bootstrap_admin_creates_one_admin_once(app, runner, graph):
    app.config["CORDON_ADMIN_PASSWORD"] = None
    first = runner.invoke(args=["users", "bootstrap-admin"])
    assert "generated password" in first.output
    second = runner.invoke(args=["users", "bootstrap-admin"])
    assert second.output == ""
    assert UserRepository(graph).count_admins() == 1


def test_token_authenticates_api_me(runner, client, make_user):
    make_user("liaison@customs.example", role="liaison")
    result = runner.invoke(args=["tokens", "create", "liaison@customs.example"])
    token = result.output.strip()
    assert token.startswith("cdn_")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {
        "email": "liaison@customs.example",
        "role": "liaison",
        "unit": "HQ",
        "name": "liaison",
    }


def test_token_is_stored_hashed(runner, graph, make_user):
    make_user("liaison@customs.example")
    token = runner.invoke(args=["tokens", "create", "liaison@customs.example"]).output.strip()
    rows = graph.query("MATCH (t:ApiToken) RETURN t.hash AS hash")
    assert rows and all(token not in str(r["hash"]) for r in rows)


def test_api_without_or_with_bad_token_is_401_json(client):
    for headers in ({}, {"Authorization": "Bearer cdn_unknown"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.is_json and response.get_json()["error"] == "Unauthorized"


def test_api_ignores_session_cookies(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/me" in doc["paths"]


def test_healthz_reports_neo4j_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["neo4j"] == "up"
