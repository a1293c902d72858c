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
