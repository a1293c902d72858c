"""Two Cordon instances for the exchange tests: instance A is the ``app`` fixture, instance
B the ``instance_b`` fixture (tests/conftest.py, its own data folder and keys). Each
registers the other through the admin's partners page, as an administrator would."""

from __future__ import annotations

import re

from graph.units import UnitRepository
from tests.conftest import WIPE, AuthActions, csrf_from

ANALYST = "hq@customs.example"
ADMIN = "admin@customs.example"
TOKEN_A_TO_B = "a-to-b-" + "x" * 40


def public_keys(app) -> dict[str, str]:
    output = app.test_cli_runner().invoke(args=["exchange", "keys"]).output
    verify = re.search(r"verify key \(Ed25519\):\s+(\S+)", output).group(1)
    encryption = re.search(r"encryption key \(X25519\):\s+(\S+)", output).group(1)
    return {"verify_key": verify, "encryption_key": encryption}


def partner_form(client, keys: dict[str, str], **fields):
    page = client.get("/admin/partners")
    assert page.status_code == 200
    data = {"name": "Border Police B", "kind": "agency", "country": "RO",
            "contact": "desk@police.example", "handling": ["open"], "unit": "HQ",
            **keys, **fields, "csrf_token": csrf_from(page.text)}
    return client.post("/admin/partners", data=data)


def register_partner(client, graph, make_user, partner_app, **fields) -> str:
    """A's admin and analyst; the admin registers ``partner_app`` (as Border Police B unless
    ``fields`` say otherwise) with its public keys. Returns the partner's id on A."""
    make_user(ADMIN, role="admin")
    make_user(ANALYST, role="analyst")
    AuthActions(client).login(ADMIN)
    assert partner_form(client, public_keys(partner_app), **fields).status_code == 302
    return graph.query("MATCH (p:Partner) RETURN p.id AS id")[0]["id"]


def become_instance_b(graph, make_user) -> None:
    """The instances share the test Neo4j one after the other: A's graph is wiped once its
    package is written, so B starts from an empty register of its own, with its admin and
    its analyst."""
    with graph.driver.session() as session:
        session.run(WIPE).consume()
    UnitRepository(graph).ensure_headquarters()
    make_user(ADMIN, role="admin")
    make_user(ANALYST, role="analyst")


def counts(graph) -> dict[str, int]:
    row = graph.query("MATCH (n) WHERE NOT n:AuditEvent AND NOT n:AuditHead AND NOT n:Migration "
                      "OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, "
                      "count(r) AS relationships")[0]
    return dict(row)



def consent_for_partner(client, report_id: str, partner_id: str) -> None:
    """A's analyst (of the originating unit) consents on the report's dissemination page to
    the report going to the partner."""
    AuthActions(client).logout()
    AuthActions(client).login(ANALYST)
    page = client.get(f"/dissemination/reports/{report_id}")
    assert client.post(f"/dissemination/reports/{report_id}/consent", data={
        "consent-partners": [partner_id], "csrf_token": csrf_from(page.text)}).status_code == 302


def package_to_file(app, report: str, out, partner: str = "Border Police B"):
    """``flask exchange package`` on A by its analyst: the report's package as a file."""
    return app.test_cli_runner().invoke(args=[
        "exchange", "package", "--partner", partner, "--by", ANALYST,
        "--report", report, "--out", str(out)])


def send_and_download(client, report_id: str):
    """A's analyst sends the report to Border Police B on its "Send to partner" page, the
    package downloaded as well; returns the download."""
    AuthActions(client).logout()
    AuthActions(client).login(ANALYST)
    page = client.get(f"/cooperation/reports/{report_id}/package")
    sent = client.post(f"/cooperation/reports/{report_id}/package", data={
        "partner": "Border Police B", "conditions": "Intelligence use only.",
        "download": "y", "csrf_token": csrf_from(page.text)})
    assert sent.status_code == 200 and "attachment" in sent.headers["Content-Disposition"]
    return sent
