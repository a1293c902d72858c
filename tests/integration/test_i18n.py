"""The interface in French and Arabic: the officer's setting, then the browser's
Accept-Language, then CORDON_LANGUAGE; Arabic right to left; the hotline's switch."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, csrf_from


def _html_tag(text: str) -> str:
    match = re.search(r"<html[^>]*>", text)
    assert match, "no <html> tag"
    return match.group(0)


def test_the_browsers_language_gives_a_french_dashboard(client, auth, make_user):
    make_user("fr@customs.example")
    auth.login("fr@customs.example")
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert _html_tag(page.text) == '<html lang="fr" dir="ltr">'
    assert "<h1>Tableau de bord</h1>" in page.text
    assert "Se déconnecter" in page.text and "Saisie rapide" in page.text
    assert "Agent de renseignement" in page.text  # the role's title
    assert "Sign out" not in page.text and "Dashboard" not in page.text


def test_an_officer_chooses_arabic_on_the_account_page(client, auth, make_user):
    make_user("ar@customs.example")
    auth.login("ar@customs.example")
    account = client.get("/account")
    assert "Language of the interface" in account.text
    saved = client.post("/account/language",
                        data={"language": "ar", "csrf_token": csrf_from(account.text)},
                        follow_redirects=True)
    assert saved.status_code == 200
    assert _html_tag(saved.text) == '<html lang="ar" dir="rtl">'
    assert "حُفظت لغتك." in saved.text  # the confirmation already in the new language

    # the setting wins over the browser, on every page and after signing in again
    dashboard = client.get("/", headers={"Accept-Language": "fr"})
    assert _html_tag(dashboard.text) == '<html lang="ar" dir="rtl">'
    assert "لوحة القيادة" in dashboard.text and "تسجيل الخروج" in dashboard.text
    auth.logout()
    auth.login("ar@customs.example")
    assert "لوحة القيادة" in client.get("/").text

    # back to "as my browser asks": the browser's French again
    account = client.get("/account")
    client.post("/account/language", data={"language": "", "csrf_token": csrf_from(account.text)})
    assert "Tableau de bord" in client.get("/", headers={"Accept-Language": "fr"}).text


def test_an_unknown_language_is_refused_with_a_message(client, auth, make_user):
    make_user("x@customs.example")
    auth.login("x@customs.example")
    account = client.get("/account")
    refused = client.post("/account/language",
                          data={"language": "xx", "csrf_token": csrf_from(account.text)},
                          follow_redirects=True)
    assert refused.status_code == 200
    assert "Choose one of the languages offered." in refused.text
    assert _html_tag(refused.text) == '<html lang="en" dir="ltr">'


def test_the_administrations_default_applies_when_nobody_asks(app_config, _migrated):
    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig, {**app_config, "CORDON_LANGUAGE": "fr"})
    try:
        page = app.test_client().get("/login")
        assert _html_tag(page.text) == '<html lang="fr" dir="ltr">'
        assert "<h1>Se connecter</h1>" in page.text
        # the browser's language comes before the default
        arabic = app.test_client().get("/login", headers={"Accept-Language": "ar"})
        assert _html_tag(arabic.text) == '<html lang="ar" dir="rtl">'
    finally:
        app.extensions["neo4j"].close()


def test_a_wrong_default_language_stops_the_start(app_config, _migrated):
    import pytest

    from app import create_app
    from config import TestConfig

    with pytest.raises(ValueError, match="CORDON_LANGUAGE"):
        create_app(TestConfig, {**app_config, "CORDON_LANGUAGE": "xx"})


def test_the_tipster_switches_the_hotline_language(client):
    english = client.get("/hotline")
    assert "Report smuggling or customs fraud" in english.text
    # the switch is visible on the page, each language named in itself
    for code, name in (("en", "English"), ("fr", "Français"), ("ar", "العربية")):
        assert f'href="/hotline?lang={code}" lang="{code}" hreflang="{code}"' in english.text
        assert name in english.text

    arabic = client.get("/hotline?lang=ar")
    assert _html_tag(arabic.text) == '<html lang="ar" dir="rtl">'
    assert "الإبلاغ عن تهريب أو غش جمركي" in arabic.text
    assert "ماذا حدث؟" in arabic.text  # the form's labels too
    # the choice stays for the visit: the follow-up page without ?lang is Arabic
    assert "متابعة بلاغك" in client.get("/hotline/follow-up").text

    french = client.get("/hotline?lang=fr")
    assert "Signaler une contrebande ou une fraude douanière" in french.text
    form = french.text
    sent = client.post("/hotline", data={"csrf_token": csrf_from(form), "what": ""})
    assert sent.status_code in (200, 400)
    assert "Dites-nous ce qui s&#39;est passé." in sent.text or \
        "Dites-nous ce qui s'est passé." in sent.text


def _switch_to(html: str, code: str) -> str:
    import html as markup

    found = re.search(rf'<a href="([^"]+)" lang="{code}" hreflang="{code}"', html)
    assert found, f"no switch to {code}"
    return markup.unescape(found.group(1))


def test_the_switch_on_a_posted_page_leads_to_a_page_not_a_405(client):
    """A refused follow-up answers at /hotline/follow-up/add, which only a form posts to:
    the switch leads to the follow-up page above it, in the language picked."""
    form = client.get("/hotline/follow-up")
    refused = client.post("/hotline/follow-up/add", data={
        "csrf_token": csrf_from(form.text), "reference": "T-0000-0000", "code": "X"})
    assert refused.status_code == 400
    target = _switch_to(refused.text, "fr")
    assert target == "/hotline/follow-up?lang=fr"
    french = client.get(target)
    assert french.status_code == 200 and _html_tag(french.text) == '<html lang="fr" dir="ltr">'
    # a page that answers a GET keeps its own address and query
    login = client.get("/login?next=%2Fcases%2F")
    assert _switch_to(login.text, "ar") == "/login?next=%2Fcases%2F&lang=ar"


def test_a_tip_sent_in_arabic_gives_its_receipt_in_arabic(client):
    form = client.get("/hotline?lang=ar")
    sent = client.post("/hotline", data={
        "csrf_token": csrf_from(form.text),
        "what": "سجائر مخبأة في الحاوية MSCU1234565",
        "where": "ميناء طنجة المتوسط",
    }, follow_redirects=True)
    assert sent.status_code == 200
    assert "شكرًا: تم استلام بلاغك" in sent.text
    # the reference and the code stay left to right inside the Arabic page
    assert re.search(r'<bdi><code id="tip-reference">T-[0-9A-Z-]+</code></bdi>', sent.text)


def test_times_and_numbers_follow_the_page_language(client, auth, make_user):
    make_user("n@customs.example")
    auth.login("n@customs.example")
    page = client.get("/", headers={"Accept-Language": "fr"})
    # the dashboard's counts are numbers formatted for the locale
    assert re.search(r'data-count="users">\s*<span class="tile-value">1</span>', page.text)


def test_the_sign_in_page_has_the_switch_and_keeps_the_choice(client):
    login = client.get("/login?lang=fr")
    assert "<h1>Se connecter</h1>" in login.text
    failed = client.post("/login", data={"email": "nobody@customs.example",
                                         "password": PASSWORD,
                                         "csrf_token": csrf_from(login.text)})
    assert "Adresse inconnue ou mot de passe erroné" in failed.text
    assert "10 minutes" in failed.text


def _page_text(html: str) -> str:
    """The page's words as a reader sees them (entities such as &#39; read as characters)."""
    import html as markup

    return markup.unescape(html)


def test_a_french_officer_reads_the_report_forms_refusal_in_french(client, auth, make_user):
    make_user("fr.form@customs.example")
    auth.login("fr.form@customs.example")
    headers = {"Accept-Language": "fr"}
    form = client.get("/reports/new?channel=register", headers=headers)
    assert _html_tag(form.text) == '<html lang="fr" dir="ltr">'
    posted = client.post("/reports/new?channel=register", headers=headers, data={
        "csrf_token": csrf_from(form.text), "channel": "register", "handling": "open",
        "event_type": "seizure",
        "text": "Cigarettes cachées dans le camion AB-123-CD.", "event_date": "12/03/2026"})
    assert posted.status_code == 400
    shown = _page_text(posted.text)
    # the exchange format's own reason (graph/exchange/records.py), in French
    assert "'12/03/2026' n'est pas une date comme 2025-03-12" in shown
    assert "is not a date like" not in shown


def test_an_arabic_officer_gets_the_apis_refusal_in_arabic(client, graph, make_user):
    import json

    from app.accounts.service import issue_token

    make_user("ar.api@customs.example")
    bearer = {"Authorization": "Bearer " + issue_token(graph, "ar.api@customs.example")}
    body = {"channel": "register", "event_type": "seizure", "handling": "open",
            "text": "سجائر مخبأة في الحاوية", "event_date": "tomorrow"}
    answer = client.post("/api/v1/reports", json=body,
                         headers={**bearer, "Accept-Language": "ar"})
    assert answer.status_code == 400, answer.json
    detail = answer.json["detail"]
    assert detail["field"] == "event_date"
    assert "'tomorrow' ليس تاريخًا مثل 2025-03-12" in detail["message"]
    # a grading error, its words (the handling code, the scheme's name) in Arabic too
    graded = client.post("/api/v1/reports", json={**body, "event_date": None,
                                                  "handling": "secret"},
                         headers={**bearer, "Accept-Language": "ar"})
    assert graded.status_code == 400
    said = json.dumps(graded.json, ensure_ascii=False)
    assert "«رمز التداول»" in said and "الأميرالية للناتو" in said
    # the same refusal to an English caller stays English
    english = client.post("/api/v1/reports", json=body, headers=bearer)
    assert "'tomorrow' is not a date like 2025-03-12" in english.json["detail"]["message"]


def test_a_french_report_shows_its_grades_and_a_source_its_type_in_french(
        client, auth, make, make_user):
    make_user("fr.grades@customs.example")
    made = make.typed_report("Conteneur MSCU1234565 déclaré comme jouets.",
                             by="fr.grades@customs.example", handling="open",
                             source_grade="B", info_grade="2")
    auth.login("fr.grades@customs.example")
    page = client.get(f"/reports/{made['id']}", headers={"Accept-Language": "fr"}).text
    assert "Fiabilité de la source" in page and "Habituellement fiable" in page
    assert "Probablement vraie" in page and "Usually reliable" not in page
    arabic = client.get(f"/reports/{made['id']}", headers={"Accept-Language": "ar"}).text
    assert "موثوقية المصدر" in arabic and "موثوق عادةً" in arabic


def test_an_import_speaks_the_administrations_language(app_config, _migrated, tmp_path):
    """`flask import` reports a bad line in CORDON_LANGUAGE (English when unset)."""
    from app import create_app
    from config import TestConfig

    path = tmp_path / "register.jsonl"
    path.write_text('{"kind": "trader", "id": "FR1", "name": "Douane SA", "country": "FRA"}\n'
                    '{"kind": "declaration"}\n', encoding="utf-8")
    outputs = {}
    for language in ("fr", "ar", None):
        config = {**app_config, **({"CORDON_LANGUAGE": language} if language else {})}
        app = create_app(TestConfig, config)
        try:
            result = app.test_cli_runner().invoke(args=["import", str(path), "--no-train"])
        finally:
            app.extensions["neo4j"].close()
        assert result.exit_code == 1, result.output
        outputs[language] = result.output
    assert ("register.jsonl:1: country: 'FRA' n'est pas un code pays ISO 3166-1 alpha-2 "
            "(ZZ si inconnu)") in outputs["fr"]
    assert "register.jsonl:2: " in outputs["fr"] and "id: obligatoire" in outputs["fr"]
    assert "id: إلزامي" in outputs["ar"]
    assert "country: 'FRA' is not an ISO 3166-1 alpha-2 country code" in outputs[None]


def test_a_date_hint_reads_in_arabic_and_the_field_keeps_iso_dates(client, auth, make_user):
    make_user("ar.dates@customs.example")
    auth.login("ar.dates@customs.example")
    page = client.get("/cooperation/", query_string={"start": "2026-03-01"},
                      headers={"Accept-Language": "ar"})
    assert page.status_code == 200
    assert "سنة-شهر-يوم (مثل 2026-03-12)" in page.text and "YYYY-MM-DD" not in page.text
    assert 'value="2026-03-01"' in page.text  # what is typed stays an ISO date
    assert "AAAA-MM-JJ" in client.get("/cooperation/", headers={"Accept-Language": "fr"}).text
