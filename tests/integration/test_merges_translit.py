"""One person in two scripts ("محمد العتيبي" / "Mohammed Al-Otaibi") is proposed as a
possible duplicate with the evidence that agrees, never merged by the application; a
namesake born on another day is not proposed."""

import re

from tests.factories import person, trader


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", page, re.S)


def test_a_person_in_arabic_and_latin_script_is_proposed_with_the_agreeing_evidence(
    client, graph, make, auth
):
    make.import_lines(
        trader("SA-7001", "Gulf Star Trading LLC", country="SA"),
        person("P-AR", "محمد العتيبي", nationality="SA", dob="1981-04-02",
                    phones=["+966 50 123 4567"],
                    roles=[{"trader": "SA-7001", "role": "director"}]),
        person("P-EN", "Mohammed Al-Otaibi", nationality="SA", dob="1981-04-02",
                    phones=["+966 50 123 4567"],
                    roles=[{"trader": "SA-7001", "role": "director"}]),
        person("P-FR", "Mohamed Alotaibi"),  # only the name in common
        person("P-OLD", "Muhammad al-Otaibi", nationality="SA", dob="1950-11-30"),
        person("P-OTHER", "Ivan Petrov", nationality="SA", dob="1981-04-02"),
    )
    make.user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")

    page = client.get("/merges/entities/person:P-AR")
    assert page.status_code == 200
    items = re.findall(r"<li>(.*?)</li>", page.text, re.S)
    agreeing = [i for i in items if "person:P-EN" in i]
    assert agreeing, items
    assert "same name in another script" in agreeing[0]
    for evidence in ("same nationality (SA)", "same birth date (1981-04-02)",
                     "both registered with", "both linked to Gulf Star Trading LLC"):
        assert evidence in agreeing[0], (evidence, agreeing[0])
    # Only the name in common: proposed all the same, with nothing more said.
    name_only = [i for i in items if "person:P-FR" in i]
    assert name_only and "same name in another script" in name_only[0]
    assert "same birth date" not in name_only[0]
    # Born on another day, or another name: not proposed.
    assert "person:P-OLD" not in page.text and "person:P-OTHER" not in page.text

    # The overview lists the pair once; nothing was merged by proposing it.
    rows = _rows(client.get("/merges/").text)
    pairs = [r for r in rows if "person:P-AR" in r and "person:P-EN" in r]
    assert len(pairs) == 1, rows
    assert not [r for r in rows if "person:P-OLD" in r and "person:P-AR" in r]
    assert graph.query("MATCH ()-[s:SAME_AS]->() RETURN count(s) AS n")[0]["n"] == 0


def test_persons_named_in_reports_of_either_script_meet_on_their_key(
    client, graph, runner, make, auth
):
    """Mentions extracted from an Arabic and an English report, and a person written before
    the key existed (filled by `flask db upgrade`), are proposed against one another."""
    officer = make.user("officer@customs.example", role="liaison")
    arabic = make.typed_report("ضبطت الجمارك شحنة سجائر وأوقفت المتهم خالد بن سعيد الشمري.",
                               by=officer, handling="open")
    english = make.typed_report("Customs seized cigarettes; the driver Khalid bin Saeed "
                                "Al-Shammari was arrested.", by=officer, handling="open")
    ids = {m["text"]: m["entity_id"] for r in (arabic, english) for m in r["entities"]}
    ar_id, en_id = ids["خالد بن سعيد الشمري"], ids["Khalid bin Saeed Al-Shammari"]
    # As if written before V0025: the upgrade gives it its key.
    graph.query("MATCH (e:Entity {id: $id}) REMOVE e.translit", {"id": ar_id}, write=True)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    make.user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    page = client.get(f"/merges/entities/{ar_id}")
    assert en_id in page.text and "same name in another script" in page.text
