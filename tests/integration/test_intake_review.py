"""Entering a report through the pages and reviewing its entities: highlight, accept,
reject, correct, add, link to a known entity and relate."""

import re

from app.accounts.service import issue_token
from tests.conftest import csrf_from
from tests.factories import person, trader

TEXT = (
    "Ivan Petrov of Orion Freight Ltd called +359 888 123 456 about cigarettes in Varna; "
    "his courier goes by tiger."
)


def mentions(graph, rid):
    """Mentions by text; a span in the text wins over a structured field of the same text."""
    rows = graph.query(
            "MATCH (:Report {id: $id})-[m:MENTIONS|REJECTED_MENTION]->(e:Entity) "
            "RETURN m.id AS id, m.text AS text, m.label AS label, m.review AS review, "
            "m.provenance AS provenance, m.start AS start, e.id AS entity",
            {"id": rid},
    )
    return {m["text"]: m for m in sorted(rows, key=lambda m: m["start"] is not None)}


def submit_register_entry(client):
    """The register entry form, filled as an analyst would, with TEXT (signed in already)."""
    form = client.get("/reports/new?channel=register")
    return client.post("/reports/new?channel=register", data={
        "csrf_token": csrf_from(form.text), "channel": "register", "text": TEXT,
        "event_type": "seizure", "event_date": "2025-03-12", "place": "Varna",
        "commodity": "cigarettes", "quantity": "", "value": "", "currency": "EUR",
        "persons": "", "vehicles": "", "containers": "", "handling": "open",
        "info_grade": "2", "submit": "Submit report"})


def test_register_entry_form_and_review(graph, make, make_user, auth, client):
    make_user("ana@customs.example", role="analyst")
    make.import_lines(person("P-0001", "Ivan Petrov"))
    auth.login("ana@customs.example")
    form = client.get("/reports/new?channel=register")
    assert form.status_code == 200 and "Handling code" in form.text
    token = csrf_from(form.text)
    base = {"csrf_token": token, "channel": "register", "text": TEXT, "event_type": "seizure",
            "event_date": "2025-03-12", "place": "Varna", "commodity": "cigarettes",
            "quantity": "12000 pcs", "value": "30000", "currency": "EUR",
            "persons": "", "vehicles": "CA1234AB", "containers": "", "submit": "Submit report"}
    missing = client.post("/reports/new?channel=register", data={**base, "handling": ""})
    assert missing.status_code == 400 and "handling code is required" in missing.text
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0
    saved = client.post("/reports/new?channel=register", data={**base, "handling": "open",
                                                                "info_grade": "2"})
    assert saved.status_code == 302
    rid = saved.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200
    assert re.search(r'<mark class="ent ent-person review-\w+"[^>]*>Ivan Petrov</mark>', page.text)
    found = mentions(graph, rid)
    assert found["Ivan Petrov"]["entity"] == "person:P-0001"  # the gazetteer knew him
    assert found["CA1234AB"]["provenance"] == "person"  # from the structured field
    token = csrf_from(page.text)

    phone = found["+359 888 123 456"]
    client.post(f"/reports/{rid}/mentions/{phone['id']}",
                data={"csrf_token": token, "action": "accepted"})
    varna = found["Varna"]
    assert varna["start"] == TEXT.index("Varna")
    client.post(f"/reports/{rid}/mentions/{varna['id']}",
                data={"csrf_token": token, "action": "rejected"})
    after = mentions(graph, rid)
    assert after["+359 888 123 456"]["review"] == "accepted"
    assert after["Varna"]["review"] == "rejected"

    # an analyst adds what the model missed, by text and occurrence
    added = client.post(f"/reports/{rid}/mentions", data={
        "csrf_token": token, "label": "PERSON", "text": "tiger", "occurrence": "1"})
    assert added.status_code == 302
    tiger = mentions(graph, rid)["tiger"]
    assert tiger["provenance"] == "person" and tiger["start"] == TEXT.index("tiger")
    assert tiger["review"] == "accepted"
    orion = mentions(graph, rid)["Orion Freight Ltd"]
    bad = client.post(f"/reports/{rid}/mentions", data={
        "csrf_token": token, "label": "ORG", "text": "Nowhere Ltd"}, follow_redirects=True)
    assert "does not occur" in bad.text

    # correct a span: the mention then names the entity of the shorter span
    edit = client.post(f"/reports/{rid}/mentions/{orion['id']}", data={
        "csrf_token": token, "action": "edit", "label": "ORG",
        "start": str(TEXT.index("Orion")), "end": str(TEXT.index(" Freight"))})
    assert edit.status_code == 302
    assert "Orion" in mentions(graph, rid)

    # link a mention to an existing entity found by name
    search = client.get(f"/reports/{rid}?q=Ivan&link={found['Ivan Petrov']['id']}")
    assert "person:P-0001" in search.text
    make.import_lines(trader("BG200", "Orion Freight Ltd"))
    linked = client.post(f"/reports/{rid}/mentions/{mentions(graph, rid)['Orion']['id']}",
                         data={"csrf_token": token, "action": "link",
                               "entity_id": "trader:BG200"})
    assert linked.status_code == 302
    assert mentions(graph, rid)["Orion"]["entity"] == "trader:BG200"

    # relate two entities of the report
    related = client.post(f"/reports/{rid}/relations", data={
        "csrf_token": token, "from_id": "person:P-0001", "type": "director_of",
        "to_id": "trader:BG200"})
    assert related.status_code == 302
    rel = graph.query("MATCH (:Person {id: 'person:P-0001'})-[r:DIRECTOR_OF]->"
                      "(:Trader {id: 'trader:BG200'}) RETURN r.source AS source")
    assert rel == [{"source": f"report:{rid}"}]
    nonsense = client.post(f"/reports/{rid}/relations", data={
        "csrf_token": token, "from_id": "person:P-0001", "type": "best_friend_of",
        "to_id": "trader:BG200"}, follow_redirects=True)
    assert "unknown relation type" in nonsense.text


def test_liaison_may_not_review_or_evaluate_others_reports(graph, make_user, auth, client):

    make_user("ana@customs.example", role="analyst")
    make_user("liaison@customs.example", role="liaison")
    rid = client.post("/api/v1/reports", json={"channel": "hotline", "handling": "open",
                                               "text": TEXT},
                      headers={"Authorization": "Bearer " + issue_token(
                          graph, "ana@customs.example")}).json["id"]
    auth.login("liaison@customs.example")
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200 and "Add a missed entity" not in page.text
    mid = next(iter(mentions(graph, rid).values()))["id"]
    refused = client.post(f"/reports/{rid}/mentions/{mid}",
                          data={"csrf_token": csrf_from(page.text), "action": "rejected"})
    assert refused.status_code == 403
    assert all(m["review"] == "proposed" for m in mentions(graph, rid).values())


def test_link_search_and_link_only_reach_entities_the_reviewer_may_see(
    graph, make, make_unit, make_user, auth, client
):
    """An entity known only from another unit's restricted report is neither offered nor
    linkable: the reviewer learns nothing of it."""
    make_unit("South", "regional", "HQ")
    make_user("ana@customs.example", role="analyst")
    south = make.user("south@customs.example", unit="South")
    secret = make.typed_report("Orion Shadow Holdings pays the drivers.", by=south,
                               handling="restricted")
    hidden = next(m["entity_id"] for m in secret["entities"]
                  if m["text"] == "Orion Shadow Holdings")  # known from that report only
    make.import_lines(trader("BG200", "Orion Freight Ltd"))
    auth.login("ana@customs.example")
    saved = submit_register_entry(client)
    assert saved.status_code == 302
    rid = saved.headers["Location"].rsplit("/", 1)[-1]
    orion = next(m for m in mentions(graph, rid).values() if m["text"].startswith("Orion"))

    search = client.get(f"/reports/{rid}?q=Orion&link={orion['id']}")
    assert "trader:BG200" in search.text
    assert hidden not in search.text and "Orion Shadow" not in search.text
    by_id = client.get(f"/reports/{rid}?q={hidden}&link={orion['id']}")
    assert "Orion Shadow" not in by_id.text  # nor found by its id

    refused = client.post(f"/reports/{rid}/mentions/{orion['id']}", data={
        "csrf_token": csrf_from(search.text), "action": "link", "entity_id": hidden},
        follow_redirects=True)
    assert "Choose an existing entity." in refused.text
    assert mentions(graph, rid)[orion["text"]]["entity"] != hidden


def test_editing_the_text_keeps_the_reviews_whose_words_remain(graph, make_user, auth, client):
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    token = csrf_from(client.get("/reports/new?channel=register").text)
    fields = {"csrf_token": token, "channel": "register", "event_type": "seizure",
              "event_date": "2025-03-12", "place": "Varna", "commodity": "cigarettes",
              "quantity": "12000 pcs", "value": "30000", "currency": "EUR", "persons": "",
              "vehicles": "CA1234AB", "containers": "", "handling": "open",
              "info_grade": "2", "submit": "Submit report"}
    saved = client.post("/reports/new?channel=register", data={**fields, "text": TEXT})
    rid = saved.headers["Location"].rsplit("/", 1)[-1]
    before = mentions(graph, rid)
    phone, varna = before["+359 888 123 456"], before["Varna"]
    client.post(f"/reports/{rid}/mentions/{phone['id']}",
                data={"csrf_token": token, "action": "accepted"})
    client.post(f"/reports/{rid}/mentions/{varna['id']}",
                data={"csrf_token": token, "action": "rejected"})
    client.post(f"/reports/{rid}/mentions", data={
        "csrf_token": token, "label": "PERSON", "text": "tiger", "occurrence": "1"})

    new_text = "Update after the second call. " + TEXT.replace(
        "his courier goes by tiger.", "no courier is known.")
    edited = client.post(f"/reports/{rid}/edit", data={**fields, "text": new_text},
                         follow_redirects=True)
    assert edited.status_code == 200
    assert "1 reviewed mention(s) no longer in the text were removed" in edited.text

    rows = graph.query(
        "MATCH (:Report {id: $id})-[m:MENTIONS|REJECTED_MENTION]->(e:Entity) "
        "RETURN m.id AS id, m.text AS text,"
        " m.review AS review, m.start AS start, m.end AS end", {"id": rid})
    by_text: dict[str, list] = {}
    for row in rows:
        by_text.setdefault(row["text"], []).append(row)
    kept_phone = by_text["+359 888 123 456"]
    assert [(m["id"], m["review"]) for m in kept_phone] == [(phone["id"], "accepted")]
    assert new_text[kept_phone[0]["start"]:kept_phone[0]["end"]] == "+359 888 123 456"
    text_varna = [m for m in by_text["Varna"] if m["start"] is not None]
    assert [(m["id"], m["review"]) for m in text_varna] == [(varna["id"], "rejected")]
    assert text_varna[0]["start"] == new_text.index("Varna")  # no fresh proposal beside it
    assert "tiger" not in by_text
    assert len(by_text["CA1234AB"]) == 1  # the structured field's mention, not a copy
    fresh = by_text["Ivan Petrov"]
    assert len(fresh) == 1 and fresh[0]["start"] == new_text.index("Ivan Petrov")


def test_a_rejected_mention_leaves_the_graph_everywhere(graph, make_user, auth, client):
    """An analyst's "no" reaches every reader: the entity page, the explorer's neighbours
    and the GraphML export no longer link the report to the entity; accepting brings it
    back."""
    make_user("ana@customs.example", role="analyst")
    bearer = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    rid = client.post("/api/v1/reports", json={"channel": "hotline", "handling": "open",
                                               "text": TEXT}, headers=bearer).json["id"]
    orion = next(m for m in mentions(graph, rid).values() if m["text"].startswith("Orion"))
    entity = orion["entity"]

    def linked() -> dict[str, bool]:
        dossier = client.get(f"/api/v1/entities/{entity}", headers=bearer)
        around = client.get(f"/api/v1/entities/{entity}/neighbours", headers=bearer)
        graphml = client.get(f"/api/v1/entities/{entity}/network.graphml", headers=bearer)
        return {
            "visible": dossier.status_code == 200,
            "dossier": dossier.status_code == 200
            and rid in [r["id"] for r in dossier.json["reports"]],
            "explorer": around.status_code == 200
            and f"report:{rid}" in [n["id"] for n in around.json["nodes"]],
            "graphml": graphml.status_code == 200 and f"report:{rid}" in graphml.text,
        }

    assert linked() == {"visible": True, "dossier": True, "explorer": True, "graphml": True}
    rejected = client.patch(f"/api/v1/reports/{rid}/mentions/{orion['id']}",
                            json={"review": "rejected"}, headers=bearer)
    assert rejected.status_code == 200
    # a proposed entity only a rejected mention named is gone for everyone
    assert linked() == {"visible": False, "dossier": False, "explorer": False,
                        "graphml": False}
    review = client.get(f"/api/v1/reports/{rid}", headers=bearer)
    assert {m["id"]: m["review"] for m in review.json["entities"]}[orion["id"]] == "rejected"

    accepted = client.patch(f"/api/v1/reports/{rid}/mentions/{orion['id']}",
                            json={"review": "accepted"}, headers=bearer)
    assert accepted.status_code == 200
    assert linked() == {"visible": True, "dossier": True, "explorer": True, "graphml": True}


def test_rejecting_a_mention_of_a_known_entity_unlinks_only_that_report(
    graph, make, make_user, auth, client
):
    make_user("ana@customs.example", role="analyst")
    make.import_lines(person("P-0001", "Ivan Petrov"))
    bearer = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    rid = client.post("/api/v1/reports", json={"channel": "hotline", "handling": "open",
                                               "text": TEXT}, headers=bearer).json["id"]
    ivan = mentions(graph, rid)["Ivan Petrov"]
    assert ivan["entity"] == "person:P-0001"
    client.patch(f"/api/v1/reports/{rid}/mentions/{ivan['id']}", json={"review": "rejected"},
                 headers=bearer)
    dossier = client.get("/api/v1/entities/person:P-0001", headers=bearer)
    assert dossier.status_code == 200  # a register entity stays
    assert rid not in [r["id"] for r in dossier.json["reports"]]
    paths = client.get(f"/api/v1/paths?from=person:P-0001&to=report:{rid}", headers=bearer)
    assert paths.status_code == 200 and paths.json["edges"] == []  # no path left


def test_link_candidates_show_what_tells_namesakes_apart(graph, make_user, auth, client, runner,
                                                        tmp_path):
    import json

    people = [
        {"kind": "person", "id": "P-0101", "name": "Georgi Dimitrov", "nationality": "BG",
         "dob": "1971-04-02", "phones": ["+359 888 111 222"]},
        {"kind": "person", "id": "P-0102", "name": "Georgi Dimitrov", "nationality": "MK",
         "dob": "1985-11-30", "phones": []},
    ]
    register = tmp_path / "people.jsonl"
    register.write_text("".join(json.dumps(p) + "\n" for p in people), encoding="utf-8")
    assert runner.invoke(args=["import", str(register)]).exit_code == 0
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    saved = submit_register_entry(client)
    rid = saved.headers["Location"].rsplit("/", 1)[-1]
    ivan = mentions(graph, rid)["Ivan Petrov"]

    page = client.get(f"/reports/{rid}?q=Georgi Dimitrov&link={ivan['id']}")
    facts = re.findall(r'<span class="candidate-facts muted">(.*?)</span>', page.text, re.S)
    flat = [" ".join(f.split()) for f in facts]
    assert any("register id <bdi>P-0101</bdi>" in f and "BG" in f and "born 1971-04-02" in f
               and "+359888111222" in f.replace(" ", "") for f in flat), flat
    assert any("register id <bdi>P-0102</bdi>" in f and "MK" in f and "born 1985-11-30" in f
               for f in flat), flat
    assert all("0 reports" in f for f in flat)


def test_an_api_edit_of_the_text_keeps_a_corrected_mention_and_its_review(
    graph, make_user, client
):
    """The API's PATCH carries reviews over as the form does (graph.mentions.carry_over_tx):
    a re-spanned mention keeps its id, label and review at its words' new place, and the
    fresh extraction does not propose those words again."""
    make_user("ana@customs.example", role="analyst")
    bearer = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    rid = client.post("/api/v1/reports", json={"channel": "hotline", "handling": "open",
                                               "text": TEXT}, headers=bearer).json["id"]
    orion = next(m for m in mentions(graph, rid).values() if m["text"].startswith("Orion"))
    start = TEXT.index("Orion Freight")
    corrected = client.patch(
        f"/api/v1/reports/{rid}/mentions/{orion['id']}", headers=bearer,
        json={"label": "ORG", "start": start, "end": start + len("Orion Freight")})
    assert corrected.status_code == 200, corrected.text

    new_text = "Second call. " + TEXT.replace("his courier goes by tiger.", "no courier.")
    edited = client.patch(f"/api/v1/reports/{rid}", json={"text": new_text}, headers=bearer)
    assert edited.status_code == 200, edited.text
    answered = {m["id"]: m for m in edited.json["entities"]}
    kept = answered[orion["id"]]
    assert (kept["text"], kept["label"], kept["review"], kept["provenance"]) == (
        "Orion Freight", "ORG", "accepted", "person")
    assert kept["start"] == new_text.index("Orion Freight")
    assert [m["text"] for m in answered.values() if m["text"].startswith("Orion")] == [
        "Orion Freight"]  # no fresh proposal of the corrected words
    assert new_text[kept["start"]:kept["end"]] == "Orion Freight"
