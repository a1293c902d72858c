"""Pages that were half English in French and Arabic: the hotline's follow-up, the reasons of
a score, the risk forms' choices, attaching to a case. Each is driven the way a user chooses
a language (the hotline's switch ``?lang=``, an officer's setting on /account)."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest

from tests.conftest import csrf_from

TIPSTER = {"REMOTE_ADDR": "203.0.113.78"}


def visible(html: str) -> str:
    """The page's text as read: no tags, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def choose_language(client, language: str) -> None:
    """An officer picks the interface's language on /account, as people do."""
    account = client.get("/account")
    saved = client.post("/account/language",
                        data={"language": language, "csrf_token": csrf_from(account.text)})
    assert saved.status_code in (200, 302)


HOTLINE = {
    "fr": {"sent": "Envoyé : note.txt.",
           "heading": "Complément d'information de l'auteur du signalement"},
    "ar": {"sent": "أُرسل: note.txt.", "heading": "معلومات إضافية من المبلِّغ"},
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_tipster_follows_up_in_their_language(language, client, graph):
    page = client.get(f"/hotline?lang={language}", environ_base=TIPSTER)
    sent = client.post("/hotline", environ_base=TIPSTER, data={
        "what": "MSCU1234566", "csrf_token": csrf_from(page.text)})
    reference = re.search(r'id="tip-reference">(T-[0-9A-Z-]+)<', sent.text).group(1)
    code = re.search(r'id="tip-code">([0-9A-Z-]+)<', sent.text).group(1)
    page = client.get("/hotline/follow-up", environ_base=TIPSTER)
    opened = client.post("/hotline/follow-up", environ_base=TIPSTER, data={
        "reference": reference, "code": code, "csrf_token": csrf_from(page.text)})
    assert opened.status_code == 200
    added = client.post("/hotline/follow-up/add", environ_base=TIPSTER,
                        content_type="multipart/form-data", data={
                            "reference": reference, "code": code, "text": "",
                            "files": (io.BytesIO(b"Lorry plate CA1234KX"), "note.txt"),
                            "csrf_token": csrf_from(opened.text)})
    text = visible(added.text)
    assert added.status_code == 200, text
    assert HOTLINE[language]["sent"] in text and "Sent note.txt" not in text
    stored = graph.query("MATCH (:TipKey {reference: $r})-[:FOR]->(r:Report) RETURN r.text AS t",
                         {"r": reference})[0]["t"]
    assert HOTLINE[language]["heading"] in stored and "Further information" not in stored


FORMS = {
    "fr": {"control": ["circuit rouge (visite physique)", "positif (irrégularité constatée)",
                       "négatif (aucune irrégularité)", "relaxe", "condamnation"],
           "profile": ["Pays d'origine", "Article : code SH", "Indicateur : Exposition au réseau",
                       "circuit jaune (contrôle documentaire)", "aucun"]},
    "ar": {"control": ["المسار الأحمر (معاينة مادية)", "إيجابية (ثبتت مخالفة)",
                       "سلبية (لا مخالفة)", "براءة", "إدانة"],
           "profile": ["بلد المنشأ", "البند: رمز النظام المنسق", "مؤشر: التعرض عبر الشبكة",
                       "المسار الأصفر (مراقبة مستندية)", "لا شيء"]},
}
ENGLISH_CHOICES = {
    "control": ["red (physical)", "positive (irregularity found)", ">negative<", ">acquitted<",
                ">convicted<"],
    "profile": ["indicator network exposure", "item hs", ">origin<", "yellow (documents)",
                ">none<"],
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_risk_forms_offer_their_choices_in_words_of_the_page(language, client, auth,
                                                                 make_user):
    make_user(f"committee-{language}@customs.example", role="committee")
    auth.login(f"committee-{language}@customs.example")
    choose_language(client, language)
    for page, path in (("control", "/risk/control"), ("profile", "/risk/profiles/new")):
        html = unescape(client.get(path).text)
        for word in FORMS[language][page]:
            assert word in html, (path, word)
        for english in ENGLISH_CHOICES[page]:
            assert english not in html, (path, english)


CASES = {
    "fr": {"form": ["Identifiant du rapport", "Identifiant de l'entité", "Identifiant du graphique",
                    "Rattacher le rapport", "Rattacher l'entité", "Rattacher le graphique"],
           "attached": "Entité trader:NL1 rattachée.",
           "refused": "Aucun graphique C-404 que vous puissiez rattacher."},
    "ar": {"form": ["معرّف التقرير", "معرّف الكيان", "معرّف المخطط", "إرفاق التقرير",
                    "إرفاق الكيان", "إرفاق المخطط"],
           "attached": "أُرفق الكيان trader:NL1.",
           "refused": "لا يوجد مخطط C-404 يمكنك إرفاقه."},
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_attaching_to_a_case_reads_in_the_officers_language(language, client, auth, make_user,
                                                            make):
    from tests.factories import trader

    make.import_lines(trader("NL1", "Baltic Star Trading"))
    make_user(f"case-{language}@customs.example", role="analyst")
    auth.login(f"case-{language}@customs.example")
    choose_language(client, language)
    opened = client.post("/cases/", data={"title": "Laptops", "kind": "rfi",
                                          "csrf_token": csrf_from(client.get("/cases/").text)})
    assert opened.status_code == 302, visible(opened.text)
    case = "/cases/" + opened.headers["Location"].rsplit("/", 1)[1]
    page = unescape(client.get(case).text)
    for word in CASES[language]["form"]:
        assert word in page, word
    for english in ("Report id", "Entity id", "Chart id", "Attach report", "Attach entity"):
        assert english not in page, english
    token = csrf_from(page)
    attached = client.post(f"{case}/attach/entity", data={"target": "trader:NL1",
                                                          "csrf_token": token},
                           follow_redirects=True)
    text = unescape(visible(attached.text))
    assert CASES[language]["attached"] in text and "attached." not in text
    refused = client.post(f"{case}/attach/chart", data={"target": "C-404", "csrf_token": token})
    text = unescape(visible(refused.text))
    assert refused.status_code == 404 or refused.status_code == 400
    assert CASES[language]["refused"] in text and "that you may attach" not in text


# What the engine says in English under each indicator; none of it is left on a French or
# Arabic page (the numbers and identifiers stay).
ENGLISH_REASONS = ("controls positive", "not declared", "earlier declarations", "Dispatched from",
                   "No links to traders", "watch-list", "other indicators together",
                   "not AEO-certified", "No intelligence reports", "No unit-value norm",
                   "declared", "first declaration", "smoothed", "Declared CIF value", "item(s)",
                   "Risk profile", "minimum lane")
REASONS = {
    "fr": ["Importateur BG555 : 2 contrôles positifs sur 3 (taux lissé",
           "Origine CN, expédié de TR", "Déclarant BG555 : 2 contrôles positifs sur 3"],
    "ar": ["المستورد BG555: 2 عمليات مراقبة إيجابية من أصل 3 (المعدل المصحَّح",
           "المنشأ CN، مُرسَل من TR", "المصرّح BG555: 2 عمليات مراقبة إيجابية من أصل 3"],
}

RANKINGS = {
    "fr": {"/risk/commodities": "contrôles positifs sur", "/risk/traders": "Comme importateur : ",
           "/entities": "Comme importateur : "},
    "ar": {"/risk/commodities": "عمليات مراقبة إيجابية من أصل",
           "/risk/traders": "بصفته مستورد: ", "/entities": "بصفته مستورد: "},
}


def _reasons_of(html: str) -> list[str]:
    return [unescape(visible(li)) for li in
            re.findall(r'<li data-indicator="[^"]*">(.*?)</li>', html, flags=re.S)]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_reasons_of_a_score_read_in_the_officers_language(language, client, auth,
                                                              make_user, make, graph):
    import json

    from app.accounts.service import issue_token
    from tests.factories import control, laptops, trader

    lines = [trader("BG555", "Sofia Laptops"), trader("BG777", "Varna Imports")]
    for n, (day, result) in enumerate((("2025-01-10", "positive"), ("2025-02-10", "positive"),
                                       ("2025-03-10", "negative")), start=1):
        lines += [laptops(f"DEC-{n}", day), control(f"DEC-{n}", day, result, lane="red")]
    for n in range(4, 10):  # another importer, always in order: BG555 stands out
        day = f"2025-0{n - 3}-20"
        lines += [{**laptops(f"DEC-{n}", day), "importer": "BG777", "declarant": "BG777"},
                  control(f"DEC-{n}", day, "negative", lane="red")]
    make.import_lines(*lines)
    make_user(f"risk-{language}@customs.example", role="analyst")
    auth.login(f"risk-{language}@customs.example")
    choose_language(client, language)

    page = client.get("/risk/score")
    scored = client.post("/risk/score", data={
        "csrf_token": csrf_from(page.text),
        "declaration": json.dumps({k: v for k, v in laptops("DEC-20", "2025-07-10").items()
                                   if k != "kind"} | {"departure": "TR"})})
    assert scored.status_code == 200
    shown = client.get("/declarations/DEC-3").text
    for html in (scored.text, shown):
        reasons = _reasons_of(html)
        assert reasons, html
        text = " ".join(reasons)
        for english in ENGLISH_REASONS:
            assert english not in text, (english, reasons)
    for words in REASONS[language]:
        assert words in " ".join(_reasons_of(scored.text)), words

    # the rankings: commodities ranked as the page opens, traders as stored at the import,
    # and the trader's own page
    for path in ("/risk/commodities", "/risk/traders"):
        text = " ".join(_reasons_of(client.get(path).text))
        assert RANKINGS[language][path] in text, (path, text)
        assert "controls positive" not in text and "Smoothed revenue" not in text, text
    dossier = unescape(visible(client.get("/entities/trader:BG555").text))
    assert RANKINGS[language]["/entities"] in dossier and "controls positive" not in dossier

    # the API: the same sentences in the caller's language, the machine's names kept
    token = issue_token(graph, f"risk-{language}@customs.example")
    answer = client.post("/api/v1/declarations/score",
                         json={**laptops("DEC-20", "2025-07-10"), "departure": "TR"},
                         headers={"Authorization": f"Bearer {token}",
                                  "Accept-Language": language})
    assert answer.status_code == 200, answer.get_json()
    reasons = answer.get_json()["reasons"]
    assert {"indicator", "label", "contribution", "detail"} <= set(reasons[0])
    assert "importer_history" in {r["indicator"] for r in reasons}
    details = " ".join(r["detail"] for r in reasons)
    assert REASONS[language][0] in details and "controls positive" not in details
