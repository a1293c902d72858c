"""The public hotline: anonymous tips reach the analysts' queue with their entities, bursts
get 429, tipsters follow up with reference and code, and nothing identifies the sender."""

import re

from tests.conftest import csrf_from

TIPSTER = {"REMOTE_ADDR": "203.0.113.77"}
TIPSTER_HEADERS = {"User-Agent": "TipsterPhone/9.9", "X-Forwarded-For": "198.51.100.23"}
TIP = {
    "what": "Cigarettes hidden in container MSCU1234566",
    "where": "Port of Varna",
    "when": "last Tuesday night",
    "who": "Baltic Star Trading Ltd, phone +359 88 123 4567",
    "details": "The lorry leaves every week.",
    "contact": "",
}


def _get(client, path):
    return client.get(path, environ_base=TIPSTER, headers=TIPSTER_HEADERS)


def _post(client, path, data):
    return client.post(path, data=data, environ_base=TIPSTER, headers=TIPSTER_HEADERS)


def send_tip(client, **fields):
    page = _get(client, "/hotline")
    assert page.status_code == 200
    return _post(client, "/hotline", {**TIP, **fields, "csrf_token": csrf_from(page.text)})


def receipt(html):
    reference = re.search(r'id="tip-reference">(T-[0-9A-Z]{4}-[0-9A-Z]{4})<', html).group(1)
    code = re.search(r'id="tip-code">([0-9A-Z-]{23})<', html).group(1)
    return reference, code


def all_properties(graph):
    return graph.query(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p"
    )


def test_tip_reaches_queue_with_entities_and_tipster_follows_up(client, graph, auth, make_user):
    response = send_tip(client)
    assert response.status_code == 200
    reference, code = receipt(response.text)

    rows = graph.query(
        "MATCH (r:Report {channel: 'hotline'})-[:ORIGINATED_IN]->(u:Unit) "
        "RETURN r {.*} AS r, u.name AS unit, "
        "[(r)-[m:MENTIONS]->(e:Entity) | {id: e.id, label: m.label, start: m.start, "
        "end: m.end, text: m.text}] AS mentions"
    )
    assert len(rows) == 1
    report = rows[0]["r"]
    assert rows[0]["unit"] == "HQ"
    assert report["status"] == "submitted" and report["handling"] == "restricted"
    # officers know the tip by its numbered reference; the tipster's stays on the key
    assert report["author_id"] == "hotline" and re.match(r"T-\d{4}-\d{6}$", report["reference"])
    assert graph.query("MATCH (k:TipKey)-[:FOR]->(:Report {id: $id}) RETURN k.reference AS r",
                       {"id": report["id"]})[0]["r"] == reference
    ids = {m["id"] for m in rows[0]["mentions"]}
    assert "container:MSCU1234566" in ids
    assert any(i.startswith("phone:+359881234567") for i in ids)
    for m in rows[0]["mentions"]:
        assert report["text"][m["start"] : m["end"]] == m["text"]

    # An analyst at HQ finds it in the queue and replies.
    make_user("analyst@customs.example", role="analyst", unit="HQ")
    auth.login("analyst@customs.example")
    queue = client.get("/hotline/tips")
    assert report["reference"] in queue.text and "awaiting reply" in queue.text
    # read as one word, never broken across two lines of a phone's narrow column
    assert f'class="ref" href="/hotline/tips/{report["id"]}">{report["reference"]}</a>' \
        in queue.text
    page = client.get(f"/hotline/tips/{report['id']}")
    assert page.status_code == 200 and "MSCU1234566" in page.text
    answer = client.post(
        f"/hotline/tips/{report['id']}/reply",
        data={"text": "Which truck plate did you see?", "csrf_token": csrf_from(page.text)},
    )
    assert answer.status_code == 302
    auth.logout()

    # The tipster reads the reply and adds information, which is extracted and linked.
    page = _get(client, "/hotline/follow-up")
    opened = _post(
        client,
        "/hotline/follow-up",
        {"reference": reference.lower(), "code": code, "csrf_token": csrf_from(page.text)},
    )
    assert opened.status_code == 200
    assert "Which truck plate did you see?" in opened.text
    added = _post(
        client,
        "/hotline/follow-up/add",
        {
            "reference": reference,
            "code": code,
            "text": "Plate CA1234KX, call +359 88 765 4321",
            "csrf_token": csrf_from(opened.text),
        },
    )
    assert added.status_code == 200 and "Plate CA1234KX" in added.text
    row = graph.query(
        "MATCH (:TipKey {reference: $ref})-[:FOR]->(r:Report)-[m:MENTIONS]->(e:Entity) "
        "WHERE e.id STARTS WITH 'vehicle:' RETURN r.text AS text, m.start AS s, m.end AS e",
        {"ref": reference},
    )
    assert row and row[0]["text"][row[0]["s"] : row[0]["e"]] == "CA1234KX"
    messages = graph.query("MATCH (m:TipMessage) RETURN m.direction AS d ORDER BY m.at")
    assert sorted(m["d"] for m in messages) == ["analyst", "tipster", "tipster"]

    # Nothing identifying the tipster, and not the code itself, is stored anywhere.
    canonical_code = code.replace("-", "")
    for props in all_properties(graph):
        for value in props["p"].values():
            text = str(value)
            assert "203.0.113.77" not in text and "198.51.100.23" not in text
            assert "TipsterPhone" not in text
            assert code not in text and canonical_code not in text


def test_wrong_code_and_unknown_reference_get_the_same_generic_answer(client, graph):
    reference, _code = receipt(send_tip(client).text)
    answers = []
    for ref, code in ((reference, "AAAAA-BBBBB-CCCCC-DDDDD"), ("T-0000-0000", "X"), ("", "")):
        page = _get(client, "/hotline/follow-up")
        response = _post(
            client,
            "/hotline/follow-up",
            {"reference": ref, "code": code, "csrf_token": csrf_from(page.text)},
        )
        assert response.status_code == 400
        answers.append(response.text)
    assert "do not match a tip" in answers[0] and "do not match a tip" in answers[1]
    assert "Cigarettes" not in answers[0]
    # Adding information with a wrong code stores nothing.
    page = _get(client, "/hotline/follow-up")
    response = _post(
        client,
        "/hotline/follow-up/add",
        {
            "reference": reference,
            "code": "AAAAA-BBBBB-CCCCC-DDDDD",
            "text": "injected",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 400
    assert graph.query("MATCH (m:TipMessage) RETURN count(m) AS n")[0]["n"] == 1


def test_burst_of_tips_gets_429_and_stores_nothing_more(client, graph, app):
    for _ in range(5):
        assert send_tip(client).status_code == 200
    response = send_tip(client)
    assert response.status_code == 429
    assert "Too many requests" in response.text and int(response.headers["Retry-After"]) > 0
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 5
    # Another connection is not affected; the limiter holds no address, only opaque keys.
    other = client.get("/hotline", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    ok = client.post(
        "/hotline",
        data={**TIP, "csrf_token": csrf_from(other.text)},
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert ok.status_code == 200
    limiter = app.extensions["hotline_limits"]["tip"]
    assert all("203.0.113" not in key and "192.0.2" not in key for key in limiter._events)


def test_follow_up_is_rate_limited(client, app):
    app.extensions["hotline_limits"]["followup"].limit = 2
    page = _get(client, "/hotline/follow-up")
    data = {"reference": "T-0000-0000", "code": "X", "csrf_token": csrf_from(page.text)}
    statuses = [_post(client, "/hotline/follow-up", data).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_bad_tip_input_gives_form_errors_and_no_record(client, graph):
    response = send_tip(client, what="", where="", when="", who="", details="")
    assert response.status_code == 400 and "Please tell us what happened." in response.text
    response = send_tip(client, what="x" * 600)
    assert response.status_code == 400 and "aria-invalid" in response.text
    no_csrf = _post(client, "/hotline", TIP)
    assert no_csrf.status_code == 400
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0


def test_a_tip_reads_in_the_language_its_tipster_wrote(client, graph, auth, make_user):
    """The questions' labels and the title are in the tip's language, whatever the page's:
    a French tip sent from the English page, an Arabic one from the Arabic page."""
    import html

    french = {"what": "Des cigarettes cachées dans un camion frigorifique",
              "where": "Port de Marseille, quai numéro quatre", "when": "", "who": "",
              "details": "Le camion revient chaque semaine avec la même cargaison."}
    assert send_tip(client, **french).status_code == 200
    page = _get(client, "/hotline?lang=ar")
    assert _post(client, "/hotline", {
        "what": "سجائر مخبأة في شاحنة تبريد", "where": "ميناء طنجة المتوسط",
        "when": "", "who": "", "details": "", "contact": "",
        "csrf_token": csrf_from(page.text)}).status_code == 200
    tips = {r["language"]: r["id"] for r in graph.query(
        "MATCH (r:Report {channel: 'hotline'}) RETURN r.id AS id, r.language AS language")}
    assert set(tips) == {"fr", "ar"}

    make_user("analyst@customs.example", role="analyst", unit="HQ")
    auth.login("analyst@customs.example")
    shown = html.unescape(client.get(f"/hotline/tips/{tips['fr']}").text)
    assert "Quoi : Des cigarettes cachées" in shown and "Où : Port de Marseille" in shown
    assert "What:" not in shown and "Where:" not in shown
    report = html.unescape(client.get(f"/reports/{tips['fr']}").text)
    assert "Signalement : Des cigarettes cachées" in report and "Hotline tip:" not in report
    shown = html.unescape(client.get(f"/hotline/tips/{tips['ar']}").text)
    assert "ماذا: سجائر مخبأة" in shown and "أين: ميناء طنجة المتوسط" in shown
    assert "What:" not in shown and "Hotline tip:" not in shown


def test_analyst_pages_need_login_and_need_to_know(client, graph, auth, make_user, make_unit):
    send_tip(client)
    report_id = graph.query("MATCH (r:Report) RETURN r.id AS id")[0]["id"]
    assert client.get("/hotline/tips").status_code == 302
    make_unit("South Region")
    make_user("liaison@customs.example", role="liaison", unit="South Region")
    auth.login("liaison@customs.example")
    assert client.get(f"/hotline/tips/{report_id}").status_code == 404
    assert report_id not in client.get("/hotline/tips").text


def test_a_tips_entities_are_named_by_their_kind_in_the_officers_language(client, graph, auth,
                                                                           make_user):
    """The tip's page lists what was found as the rest of the app names entity kinds
    (Conteneur, Téléphone), not the extraction's capitalised tags (CONTAINER:, PHONE:)."""
    from tests.integration.test_i18n_pages import choose_language, visible

    assert send_tip(client).status_code == 200
    report_id = graph.query("MATCH (r:Report {channel: 'hotline'}) RETURN r.id AS id")[0]["id"]
    make_user("analyst@customs.example", role="analyst", unit="HQ")
    auth.login("analyst@customs.example")
    for language, container, phone in (("fr", "Conteneur :", "Téléphone :"),
                                       ("ar", "الحاوية:", "هاتف:")):
        choose_language(client, language)
        page = visible(client.get(f"/hotline/tips/{report_id}").text)
        assert f"{container} MSCU1234566" in page and f"{phone} +359" in page, page
        assert not re.search(r"\b(CONTAINER|PHONE|ORG|COMMODITY|LOCATION):", page), page
