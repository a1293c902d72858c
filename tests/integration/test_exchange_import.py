"""`flask import` / `flask export` of the register exchange format against the real graph."""

from __future__ import annotations

import json
from pathlib import Path

from app.accounts.service import issue_token

TRADER = {
    "kind": "trader",
    "id": "NL123456789",
    "name": "Baltic Star Trading Ltd",
    "country": "NL",
    "address": "12 Harbour Rd, Rotterdam",
    "phones": ["+31 10 555 0101"],
    "emails": ["ops@balticstar.example"],
    "aeo": False,
    "registered": "2024-02-11",
    "vat_group": "NL-G7",  # unknown field: kept
}
PERSON = {
    "kind": "person",
    "id": "P-0001",
    "name": "Ahmed Yilmaz",
    "nationality": "TR",
    "dob": "1980-03-02",
    "documents": [{"type": "passport", "number": "U12345678", "country": "TR"}],
    "phones": ["+90 532 111 2233"],
    "addresses": ["Kadikoy, Istanbul"],
    "roles": [
        {"trader": "NL123456789", "role": "director"},
        {"trader": "BG2020", "role": "manager"},
    ],
}
DECLARATION = {
    "kind": "declaration",
    "id": "DEC-2025-000001",
    "date": "2025-03-12",
    "flow": "import",
    "office": "BGSVI001",
    "importer": "NL123456789",
    "exporter": "CN9133",
    "declarant": "BG2020",
    "origin": "CN",
    "departure": "CN",
    "destination": "BG",
    "transport": {"mode": "sea", "container": "MSCU1234565", "vessel": "MSC Oscar",
                  "imo": "9703291", "vehicle": None},
    "items": [
        {"hs": "8471.30", "description": "laptops", "quantity": 400, "unit": "pcs",
         "weight_kg": 800.0, "value": 12000.0, "value_cif": 12600.0, "currency": "EUR",
         "tax_rate": 21.0, "tax_type": "A", "taxes": 2520.0},
        {"hs": "8523 51", "description": "memory cards", "quantity": 10, "unit": "pcs",
         "weight_kg": 1.5, "value": 300.0, "value_cif": 315.0, "taxes": 66.15},
    ],
    "procedure": "4000",
    "courier": False,
}  # fmt: skip
CONTROL = {
    "kind": "control",
    "declaration": "DEC-2025-000001",
    "date": "2025-03-13",
    "lane": "red",
    "result": "positive",
    "finding": "undervaluation",
    "revenue": 4100.0,
    "seized": [{"hs": "240220", "description": "cigarettes", "quantity": 100000, "unit": "pcs",
                "value": 30000.0}],
}  # fmt: skip
REPORT = {
    "kind": "report",
    "id": "R-2025-0042",
    "channel": "informant",
    "received": "2025-03-10T09:00:00Z",
    "source": "KX-17",
    "source_grade": "B",
    "info_grade": "2",
    "handling": "restricted",
    "unit": "HQ",
    "title": "Cigarettes in laptop consignments",
    "text": "BALTIC STAR TRADING LIMITED hides cigarettes in laptop consignments from "
    "Ningbo; the driver Ivan Petrov calls +359 88 123 4567.",
}
RELATIONS = [
    {"kind": "relation", "from": {"kind": "person", "id": "P-0001"},
     "to": {"kind": "trader", "id": "NL123456789"}, "type": "associate_of",
     "source": "police register", "date": "2024-11-02"},
    {"kind": "relation", "from": {"kind": "trader", "id": "NL123456789"},
     "to": {"kind": "trader", "id": "CN9133"}, "type": "trades_with", "source": "analysis"},
]  # fmt: skip
GOOD = [TRADER, PERSON, DECLARATION, CONTROL, REPORT, *RELATIONS]


def write_jsonl(path: Path, lines: list) -> Path:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


# What the exchange format carries; nodes other features derive (risk selections, audit
# events) are theirs to compare.
REGISTER_LABELS = ("Entity", "Declaration", "Control", "Report", "Source", "Unit")


def register(v: str) -> str:
    return "(" + " OR ".join(f"{v}:{label}" for label in REGISTER_LABELS) + ")"


def dump(graph, *, volatile: bool = False) -> list:
    """Canonical dump: every node (labels, properties) and relationship, sorted.

    ``volatile=False`` drops what legitimately differs after a restore: creation
    timestamps and the random ids of sources and mentions."""
    nodes = graph.query(
        f"MATCH (n) WHERE {register('n')} RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels = graph.query(
        f"MATCH (a)-[r]->(b) WHERE {register('a')} AND {register('b')} "
        "RETURN type(r) AS type, properties(r) AS props, "
        "coalesce(a.id, a.name, a.codename) AS a, coalesce(b.codename, b.id, b.name) AS b, "
        "coalesce(a.codename, '') AS ac"
    )

    def clean(props: dict) -> dict:
        # Trader scores are the risk engine's derived cache, refreshed by every import
        # batch; they are not register data.
        props = {k: v for k, v in props.items() if not k.startswith("risk_")}
        if volatile:
            return props
        return {k: v for k, v in props.items() if k not in ("created_at",)}

    out = []
    for n in nodes:
        props = clean(n["props"])
        if "Source" in n["labels"] and not volatile:
            props.pop("id", None)
        out.append(("node", sorted(n["labels"]), json.dumps(props, sort_keys=True)))
    for r in rels:
        a = r["ac"] or r["a"]
        props = clean(r["props"])
        if r["type"] == "MENTIONS" and not volatile:
            props.pop("id", None)
        out.append(("rel", r["type"], a, r["b"], json.dumps(props, sort_keys=True)))
    return sorted(out, key=repr)


def counts(graph) -> tuple[int, int]:
    row = graph.query(
        "MATCH (n) WHERE NOT n:Migration AND NOT n:AuditEvent AND NOT n:AuditHead "
        "RETURN count(n) AS n, COUNT { ()-[]->() } AS r"
    )[0]
    return row["n"], row["r"]


def test_good_lines_are_imported_and_bad_lines_named(app, runner, graph, tmp_path):
    app.config["REPLAN_AFTER_IMPORT"] = True  # as outside the tests
    lines = [
        TRADER,
        "{not json",
        {"kind": "vessel", "id": "X"},
        {**DECLARATION, "id": "DEC-BAD-DATE", "date": "12/03/2025"},
        {**TRADER, "id": "XX1", "country": "XY"},
        "",
        {**DECLARATION, "id": "DEC-BAD-HS", "items": [{"hs": "84a7", "value": 1.0}]},
        {k: v for k, v in PERSON.items() if k != "id"},
        {**REPORT, "id": "R-BAD-GRADE", "source_grade": "G"},
        {**REPORT, "id": "R-BAD-UNIT", "unit": "Atlantis"},
        PERSON,
        DECLARATION,
        CONTROL,
        REPORT,
        *RELATIONS,
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1, result.output
    out = result.output
    for number, reason in [
        (2, "not JSON"),
        (3, "unknown kind 'vessel'"),
        (4, "date: '12/03/2025' is not an ISO 8601 date"),
        (5, "country: 'XY' is not an ISO 3166-1 alpha-2"),
        (7, "items[0].hs: '84a7' is not an HS code"),
        (8, "id: required"),
        (9, "source_grade: 'G' is not a source reliability of the NATO Admiralty"),
        (10, "unit: 'Atlantis' does not exist"),
    ]:
        assert f"mixed.jsonl:{number}: {reason}" in out, out
    assert "lines read 16, created 7, updated 0, rejected 8" in out
    # the pages' reads ran once after the import (every step, none skipped)
    assert "page queries re-planned in" in out and "skipped" not in out, out

    trader = graph.query("MATCH (t:Trader {id: 'trader:NL123456789'}) RETURN t {.*} AS t")[0]["t"]
    assert trader["status"] == "confirmed" and trader["label"] == "ORG"
    assert trader["key"] == "baltic star trading" and trader["country"] == "NL"
    assert json.loads(trader["extra_json"]) == {"vat_group": "NL-G7"}
    phone = graph.query(
        "MATCH (:Trader {ref: 'NL123456789'})-[:USES_PHONE]->(p:Phone) RETURN p.id AS id"
    )
    assert phone == [{"id": "phone:+31105550101"}]
    decl = graph.query(
        "MATCH (d:Declaration {id: 'DEC-2025-000001'}) RETURN d {.*} AS d, "
        "[(d)-[r]->(x) | type(r) + '>' + x.id] AS links"
    )[0]
    assert decl["d"]["hs"] == ["847130", "852351"]
    assert decl["d"]["value"] == 12300.0 and decl["d"]["taxes"] == 2586.15
    assert json.loads(decl["d"]["extra_json"]) == {"courier": False, "procedure": "4000"}
    assert sorted(decl["links"]) == [
        "CARRIED_BY>vessel:IMO9703291",
        "DECLARED_BY>trader:BG2020",
        "EXPORTED_BY>trader:CN9133",
        "IMPORTED_BY>trader:NL123456789",
        "SHIPPED_IN>container:MSCU1234565",
    ]
    control = graph.query(
        "MATCH (c:Control)-[:CONTROL_OF]->(:Declaration {id: 'DEC-2025-000001'}) "
        "RETURN c.id AS id, c.result AS result"
    )
    assert control == [{"id": "DEC-2025-000001/2025-03-13", "result": "positive"}]
    roles = graph.query(
        "MATCH (:Person {id: 'person:P-0001'})-[r]->(t:Trader) "
        "RETURN t.ref AS trader, type(r) AS type, r.role AS role ORDER BY trader, type"
    )
    assert roles == [
        {"trader": "BG2020", "type": "EMPLOYEE_OF", "role": "manager"},
        {"trader": "NL123456789", "type": "ASSOCIATE_OF", "role": None},
        {"trader": "NL123456789", "type": "DIRECTOR_OF", "role": "director"},
    ]
    report = graph.query(
        "MATCH (r:Report {id: 'R-2025-0042'})-[:FROM_SOURCE]->(s:Source), "
        "(r)-[:ORIGINATED_IN]->(u:Unit) RETURN r.status AS status, r.author_id AS author, "
        "s.codename AS codename, s.status AS source_status, u.name AS unit"
    )
    assert report == [
        {"status": "submitted", "author": "import", "codename": "KX-17",
         "source_status": "referenced", "unit": "HQ"}
    ]  # fmt: skip
    trades = graph.query(
        "MATCH (:Trader {ref: 'NL123456789'})-[r:RELATED_TO]->(:Trader {ref: 'CN9133'}) "
        "RETURN r.detail AS detail"
    )
    assert trades == [{"detail": "trades_with"}]
    assert graph.query("MATCH (r:Report {id: 'R-BAD-GRADE'}) RETURN r") == []


def test_reimport_changes_nothing(runner, graph, tmp_path):
    path = write_jsonl(tmp_path / "good.jsonl", GOOD)
    first = runner.invoke(args=["import", str(path)])
    assert first.exit_code == 0, first.output
    assert f"lines read {len(GOOD)}, created {len(GOOD)}, updated 0, rejected 0" in first.output
    before, before_counts = dump(graph, volatile=True), counts(graph)
    mentions = graph.query("MATCH (:Report)-[m:MENTIONS]->() RETURN count(m) AS n")[0]["n"]
    assert mentions > 0
    again = runner.invoke(args=["import", str(path)])
    assert again.exit_code == 0, again.output
    assert f"created 0, updated {len(GOOD)}, rejected 0" in again.output
    assert counts(graph) == before_counts
    assert dump(graph, volatile=True) == before


def test_strict_writes_nothing_when_a_line_is_bad(runner, graph, tmp_path):
    before = dump(graph, volatile=True)
    path = write_jsonl(tmp_path / "strict.jsonl", [*GOOD, {**CONTROL, "result": "maybe"}])
    result = runner.invoke(args=["import", str(path), "--strict"])
    assert result.exit_code == 1
    assert f"strict.jsonl:{len(GOOD) + 1}: result: 'maybe' is not one of" in result.output
    assert "nothing was written" in result.output
    assert dump(graph, volatile=True) == before
    ok = runner.invoke(args=["import", str(path.with_name("ok.jsonl"))])
    assert ok.exit_code != 0  # missing file: a usage error, not a crash


def test_referenced_entities_are_created_then_confirmed(runner, graph, tmp_path):
    first = write_jsonl(tmp_path / "decl.jsonl", [DECLARATION, CONTROL])
    assert runner.invoke(args=["import", str(first)]).exit_code == 0
    status = "MATCH (t:Trader {id: $id}) RETURN t.status AS status, t.name AS name"
    assert graph.query(status, {"id": "trader:NL123456789"}) == [
        {"status": "referenced", "name": "NL123456789"}
    ]
    # a control before its declaration: the declaration exists as a reference first
    early = write_jsonl(tmp_path / "early.jsonl", [{**CONTROL, "declaration": "DEC-LATER"}])
    assert runner.invoke(args=["import", str(early)]).exit_code == 0
    assert graph.query("MATCH (d:Declaration {id: 'DEC-LATER'}) RETURN d.status AS s") == [
        {"s": "referenced"}
    ]
    second = write_jsonl(tmp_path / "trader.jsonl", [TRADER, {**DECLARATION, "id": "DEC-LATER"}])
    result = runner.invoke(args=["import", str(second)])
    assert "created 2, updated 0" in result.output, result.output
    assert graph.query(status, {"id": "trader:NL123456789"}) == [
        {"status": "confirmed", "name": "Baltic Star Trading Ltd"}
    ]
    assert graph.query(status, {"id": "trader:CN9133"})[0]["status"] == "referenced"
    assert graph.query("MATCH (d:Declaration {id: 'DEC-LATER'}) RETURN d.status AS s") == [
        {"s": "confirmed"}
    ]


def test_report_text_is_linked_to_a_known_trader(runner, graph, tmp_path):
    traders = write_jsonl(tmp_path / "traders.jsonl", [TRADER])
    assert runner.invoke(args=["import", str(traders)]).exit_code == 0
    report = write_jsonl(tmp_path / "report.jsonl", [REPORT])
    assert runner.invoke(args=["import", str(report)]).exit_code == 0
    query = (
        "MATCH (:Report {id: 'R-2025-0042'})-[m:MENTIONS]->(e:Entity) "
        "RETURN e.id AS id, e.status AS status, m.text AS text, m.start AS start, "
        "m.provenance AS provenance, m.review AS review ORDER BY m.start"
    )
    mentions = graph.query(query)
    assert mentions[0] == {
        "id": "trader:NL123456789",
        "status": "confirmed",
        "text": "BALTIC STAR TRADING LIMITED",
        "start": 0,
        "provenance": "gazetteer",
        "review": "proposed",
    }
    phone = [m for m in mentions if m["id"] == "phone:+359881234567"]
    assert phone and phone[0]["status"] == "proposed"
    assert runner.invoke(args=["import", str(report)]).exit_code == 0
    assert graph.query(query) == mentions  # re-import: no duplicate mentions
    changed = write_jsonl(tmp_path / "changed.jsonl", [{**REPORT, "text": "Nothing here."}])
    assert runner.invoke(args=["import", str(changed)]).exit_code == 0
    assert graph.query(query) == []  # the old proposed mentions went with the old text


def test_a_report_knows_the_traders_earlier_batches_of_its_file_wrote_or_renamed(
    runner, graph, tmp_path
):
    # one line per batch: the first report's batch reads the gazetteer, later batches teach
    # it the names they write (a new trader, then the same trader renamed)
    renamed = {**TRADER, "name": "Nordic Wave Shipping Ltd"}
    lines = [
        {**REPORT, "id": "R-1", "text": "Nothing known here."},
        TRADER,
        {**REPORT, "id": "R-2"},
        renamed,
        {**REPORT, "id": "R-3", "text": "NORDIC WAVE SHIPPING LTD and BALTIC STAR TRADING "
                                         "LIMITED share a yard."},
    ]
    path = write_jsonl(tmp_path / "batches.jsonl", lines)
    result = runner.invoke(args=["import", str(path), "--batch-size", "1", "--no-train"])
    assert result.exit_code == 0, result.output
    linked = (
        "MATCH (:Report {id: $id})-[m:MENTIONS]->(:Entity {id: 'trader:NL123456789'}) "
        "RETURN m.text AS text, m.provenance AS provenance ORDER BY m.start"
    )
    assert graph.query(linked, {"id": "R-2"}) == [
        {"text": "BALTIC STAR TRADING LIMITED", "provenance": "gazetteer"}]
    assert graph.query(linked, {"id": "R-3"}) == [
        {"text": "NORDIC WAVE SHIPPING LTD", "provenance": "gazetteer"}]


def test_reviews_of_an_imported_report_follow_its_words_into_a_new_text(
    runner, graph, tmp_path, client, make_user
):
    report = write_jsonl(tmp_path / "report.jsonl", [REPORT])
    assert runner.invoke(args=["import", str(report)]).exit_code == 0
    # rejected mentions are filed apart from live ones; the decisions are read from both
    spans = (
        "MATCH (:Report {id: 'R-2025-0042'})-[m:MENTIONS|REJECTED_MENTION]->(e:Entity) "
        "RETURN m.id AS id, m.text AS text, m.start AS start, m.end AS end, m.review AS review"
    )
    first = {m["text"]: m for m in graph.query(spans)}
    assert all(m["id"] for m in first.values())  # the review pages address mentions by id
    make_user("reviewer@customs.example", role="analyst", unit=REPORT["unit"])
    bearer = {"Authorization": "Bearer " + issue_token(graph, "reviewer@customs.example")}
    phone, ningbo = first["+359 88 123 4567"], first["Ningbo"]
    for mention, review in ((phone, "accepted"), (ningbo, "rejected")):
        decided = client.patch(f"/api/v1/reports/R-2025-0042/mentions/{mention['id']}",
                               json={"review": review}, headers=bearer)
        assert decided.status_code == 200, decided.text

    text = "Second call. " + REPORT["text"].replace("from Ningbo", "from Ningbo port")
    changed = write_jsonl(tmp_path / "changed.jsonl", [{**REPORT, "text": text}])
    moved = runner.invoke(args=["import", str(changed)])
    assert moved.exit_code == 0 and "reviewed mention" not in moved.output, moved.output
    after: dict[str, list] = {}
    for m in graph.query(spans):
        after.setdefault(m["text"], []).append(m)
    [kept_phone] = after["+359 88 123 4567"]
    assert (kept_phone["id"], kept_phone["review"]) == (phone["id"], "accepted")
    assert text[kept_phone["start"] : kept_phone["end"]] == "+359 88 123 4567"
    [kept_ningbo] = [m for m in graph.query(spans) if m["start"] <= text.index("Ningbo") < m["end"]]
    assert (kept_ningbo["id"], kept_ningbo["review"]) == (ningbo["id"], "rejected")
    ivan = after["Ivan Petrov"]
    assert [m["review"] for m in ivan] == ["proposed"]
    assert ivan[0]["id"] != first["Ivan Petrov"]["id"]
    assert ivan[0]["start"] == text.index("Ivan Petrov")

    gone = write_jsonl(tmp_path / "gone.jsonl", [{**REPORT, "text": "Nothing here."}])
    dropped = runner.invoke(args=["import", str(gone)])
    assert dropped.exit_code == 0, dropped.output
    assert graph.query(spans) == []  # decisions on words that are gone go with them
    assert ("2 reviewed mention(s) whose words are no longer in their report's new text "
            "were removed") in dropped.output  # and the summary says so


def test_export_then_import_restores_the_same_graph(runner, graph, tmp_path, make_unit):
    make_unit("SVI-INT")
    extra = [
        {**TRADER, "id": "BG2020", "name": "Danube Brokers OOD", "country": "BG",
         "address": None, "addresses": ["1 Quay St, Varna", "2 Port Rd, Burgas"],
         "phones": ["088 123 4567"], "emails": [], "aeo": True},
        {**REPORT, "id": "R-2025-0043", "unit": "SVI-INT", "channel": "liaison",
         "source": "LO-Istanbul", "handling": "open", "priority": "high",
         "text": "Ahmed Yilmaz of Baltic Star Trading Ltd met a broker in Varna."},
        {"kind": "relation", "from": {"kind": "person", "id": "P-0002"},
         "to": {"kind": "person", "id": "P-0001"}, "type": "family_of"},
        {**DECLARATION, "id": "DEC-2025-000002", "transport": {"mode": "road",
         "vehicle": "TR 34 AB 1234", "container": None, "trailer": "TR 34 XY 9"}},
        {**CONTROL, "declaration": "DEC-2025-000002", "result": "negative", "seized": []},
    ]  # fmt: skip
    source = write_jsonl(tmp_path / "source.jsonl", [*GOOD, *extra])
    first = runner.invoke(args=["import", str(source)])
    assert first.exit_code == 0, first.output
    original = dump(graph)
    backup = tmp_path / "backup.jsonl"
    exported = runner.invoke(args=["export", str(backup)])
    assert exported.exit_code == 0, exported.output
    kinds = [json.loads(line)["kind"] for line in backup.read_text().splitlines()]
    order = ["trader", "person", "declaration", "control", "report", "relation"]
    assert kinds == sorted(kinds, key=order.index)  # referenced before referring
    graph.query(
        "MATCH (n) WHERE NOT n:Migration AND NOT n:Unit DETACH DELETE n", write=True
    )
    restored = runner.invoke(args=["import", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert dump(graph) == original
    again = tmp_path / "again.jsonl"
    assert runner.invoke(args=["export", str(again)]).exit_code == 0
    assert again.read_text() == backup.read_text()


def test_generator_file_imports_completely(runner, graph, tmp_path, make_unit):
    from bench.generator import write

    for unit in ("VAR-INT", "SVI-INT", "SOF-INT"):
        make_unit(unit)
    path = tmp_path / "g.jsonl"
    truth = write(path, scale=3000, seed=11)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output[-2000:]
    total = sum(truth["counts"].values())
    assert f"lines read {total}, created {total}" in result.output
    declarations = graph.query("MATCH (d:Declaration) RETURN count(d) AS n")[0]["n"]
    assert declarations == truth["counts"]["declaration"]
    # Speed is measured by `make bench` (bench/ingest.py), not asserted here.


def _controlled(n: int, start: int = 0) -> list[dict]:
    """``n`` declarations of two importers, each controlled; one importer's are positive."""
    lines: list[dict] = []
    for i in range(start, start + n):
        importer = "BG-RISKY" if i % 3 == 0 else "BG-CLEAN"
        did = f"DEC-T-{i:04d}"
        lines.append({**DECLARATION, "id": did, "importer": importer,
                      "date": f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}"})
        lines.append({**CONTROL, "declaration": did, "date": f"2025-{1 + i % 12:02d}-28",
                      "result": "positive" if importer == "BG-RISKY" else "negative"})
    return lines


def test_import_retrains_the_risk_model_when_enough_controls_arrive(runner, graph, tmp_path):
    active = "MATCH (s:RiskSettings {id: 'current'}) RETURN s.model_version AS v"
    few = runner.invoke(args=["import", str(write_jsonl(tmp_path / "few.jsonl",
                                                        [DECLARATION, CONTROL]))])
    assert few.exit_code == 0, few.output  # a training that cannot run fails nothing
    assert "risk model not retrained: training needs at least 20 controls" in few.output

    skipped = runner.invoke(args=["import", str(write_jsonl(tmp_path / "a.jsonl",
                                                            _controlled(30))), "--no-train"])
    assert skipped.exit_code == 0, skipped.output
    assert "risk model" not in skipped.output
    assert graph.query(active) in ([], [{"v": None}])

    result = runner.invoke(args=["import", str(write_jsonl(tmp_path / "b.jsonl",
                                                           _controlled(30, start=30)))])
    assert result.exit_code == 0, result.output
    version = graph.query(active)[0]["v"]
    assert version, result.output
    assert f"risk model {version} (" in result.output  # (logistic) or (boosted)
    assert "trained on 61 controls and activated" in result.output
    events = graph.query("MATCH (e:AuditEvent {action: 'risk.train', target: $v}) RETURN e",
                         {"v": version})
    assert len(events) == 1

    # fewer new controls than `retrain_after` (500): the model stays
    again = runner.invoke(args=["import", str(write_jsonl(tmp_path / "c.jsonl",
                                                          _controlled(5, start=60)))])
    assert again.exit_code == 0 and "risk model" not in again.output, again.output
    assert graph.query(active) == [{"v": version}]


def test_lines_that_parse_but_cannot_be_taken_are_named_and_the_import_goes_on(runner, graph,
                                                                                  tmp_path):
    lines = [
        "[" * 100_000,
        '{"kind": "trader", "id": "NL1", "name": "\\ud800"}',
        '{"kind": "trader", "id": "NL2", "name": "X", "turnover": NaN}',
        TRADER,
    ]
    path = write_jsonl(tmp_path / "hostile.jsonl", lines)
    result = runner.invoke(args=["import", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    out = result.output
    assert "hostile.jsonl:1: refused: nested deeper than 64 levels" in out, out
    assert "hostile.jsonl:2: refused: text holds a lone UTF-16 surrogate" in out, out
    assert "hostile.jsonl:3: refused: NaN is not a JSON number" in out, out
    assert "Traceback" not in out
    assert graph.query("MATCH (t:Trader {ref: 'NL123456789'}) RETURN count(t) AS n")[0]["n"] == 1


def test_unknown_country_codes_are_stored_as_no_country_and_scored(
    runner, graph, tmp_path, client, make_user
):
    """Customs registers write ZZ, XX or QU for an unknown country: the declaration is kept,
    with no country, and no "unknown" pseudo-country gathers a risk history."""
    unknown = {**DECLARATION, "id": "DEC-ZZ", "origin": "ZZ", "departure": "xx",
               "destination": "BG"}
    lines = [{**TRADER, "country": "QU"}, unknown,
             {**CONTROL, "declaration": "DEC-ZZ"}]  # fmt: skip
    result = runner.invoke(args=["import", str(write_jsonl(tmp_path / "zz.jsonl", lines))])
    assert result.exit_code == 0, result.output
    assert "rejected 0" in result.output, result.output
    row = graph.query("MATCH (d:Declaration {id: 'DEC-ZZ'}) RETURN d.origin AS origin, "
                      "d.departure AS departure, d.destination AS destination")
    assert row == [{"origin": None, "departure": None, "destination": "BG"}]
    trader = graph.query("MATCH (t:Trader {ref: $ref}) RETURN t.country AS c",
                         {"ref": TRADER["id"]})
    assert trader == [{"c": None}]
    stats = graph.query("MATCH (s:RiskStat) WHERE s.dimension IN ['origin', 'hs6_origin'] "
                        "RETURN s.dimension AS dimension, s.key AS key")
    assert stats == [], stats  # neither "ZZ" nor an empty origin became a pseudo-country
    windows = graph.query("MATCH (w:UnitValueWindow) RETURN w.origin AS origin")
    assert windows and {w["origin"] for w in windows} == {"*"}

    make_user("targeter@customs.example", role="analyst")
    bearer = {"Authorization": "Bearer " + issue_token(graph, "targeter@customs.example")}
    selected = client.post("/api/v1/declarations/DEC-ZZ/selection", headers=bearer)
    assert selected.status_code == 201, selected.get_json()
    body = selected.get_json()
    assert body["lane"] in ("green", "yellow", "red", "blue") and 0 <= body["score"] <= 1
    origin = [r for r in body["reasons"] if r["indicator"] == "origin_history"]
    assert all("ZZ" not in r["detail"] for r in origin), origin


def test_import_checks_grades_with_the_configured_scheme(app, app_config, graph, tmp_path):
    """`flask import` grades reports as the app is configured, here UK 3x5x2 (1-3, A-E)."""
    from app import create_app
    from config import TestConfig

    uk_app = create_app(TestConfig, {**app_config, "GRADING_SCHEME": "uk3x5x2"})
    try:
        lines = [{**REPORT, "id": "R-UK", "source_grade": "2", "info_grade": "b"},
                 {**REPORT, "id": "R-ADMIRALTY", "source_grade": "B", "info_grade": "2"}]
        path = write_jsonl(tmp_path / "uk.jsonl", lines)
        result = uk_app.test_cli_runner().invoke(args=["import", str(path)])
    finally:
        uk_app.extensions["neo4j"].close()
    assert result.exit_code == 1, result.output
    assert ("uk.jsonl:2: source_grade: 'B' is not a source reliability of the UK 3x5x2 "
            "(1–3, A–E, P/C) scheme; one of 1, 2, 3.") in result.output, result.output
    assert "lines read 2, created 1, updated 0, rejected 1" in result.output
    stored = graph.query("MATCH (r:Report) RETURN r.id AS id, r.source_grade AS s, "
                         "r.info_grade AS i")
    assert stored == [{"id": "R-UK", "s": "2", "i": "B"}]
