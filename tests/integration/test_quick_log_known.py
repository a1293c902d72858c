"""The quick log takes the driver's phone, and while the officer types says when a plate,
container or phone is already known to them, without revealing what they may not read."""

from app.accounts.service import issue_token
from tests.conftest import csrf_from


def _log(client, auth, email, **fields):
    auth.login(email)
    page = client.get("/reports/log")
    data = {"csrf_token": csrf_from(page.text), "crossing": "Kapitan Andreevo",
            "vehicle": "", "container": "", "phone": "", "text": "", "handling": "restricted",
            "submission": csrf_from(page.text)[:20], **fields}
    answer = client.post("/reports/log", data=data)
    auth.logout()
    return answer


def test_known_identifiers_are_said_only_when_the_officer_may_read_them(
    graph, make_unit, make_user, auth, client
):
    make_unit("South", kind="regional")
    make_unit("Kapitan Andreevo", kind="bcp", parent="South")
    make_user("first@customs.example", role="liaison", unit="Kapitan Andreevo")
    make_user("second@customs.example", role="liaison", unit="Kapitan Andreevo")
    make_user("ana@customs.example", role="analyst", unit="HQ")
    make_user("ivo@customs.example", role="investigator", unit="HQ")

    logged = _log(client, auth, "first@customs.example", vehicle="CA 1234 AB",
                  phone="+359 888 123 456", text="Driver nervous.")
    assert logged.status_code == 302
    bad = _log(client, auth, "first@customs.example", phone="12", text="")
    assert bad.status_code == 400 and "is not a phone number" in bad.text

    bearer = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    hidden = client.post("/api/v1/reports", headers=bearer, json={
        "channel": "hotline", "handling": "restricted",
        "text": "Container MSCU1234565 carries undeclared cigarettes."})
    assert hidden.status_code == 201

    auth.login("second@customs.example")

    def known(label, value):
        answer = client.get("/reports/log/known", query_string={"label": label, "value": value})
        assert answer.status_code == 200
        return answer.json

    plate = known("VEHICLE", "ca1234ab")
    assert plate["known"] and "1 report(s) you may read" in plate["message"]
    assert known("PHONE", "+359888123456")["known"]
    # known only from a report the officer may not read: the same answer as unknown
    assert known("CONTAINER", "MSCU1234565") == {"known": False, "message": None}
    assert known("CONTAINER", "TGHU9999999") == {"known": False, "message": None}
    assert client.get("/reports/log/known?label=PERSON&value=Ivan").status_code == 400
    auth.logout()
    auth.login("ivo@customs.example")
    assert client.get("/reports/log/known?label=VEHICLE&value=CA1234AB").status_code == 403
