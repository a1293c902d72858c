"""An officer whose profile says French, and one whose profile says Arabic (right to left),
log a seizure written in their language, review its entities, follow one to the network
explorer; a tipster sends a tip in each language. No English is left on the pages they see.

The browser asks for English: the officer's own setting is what turns the interface."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# English words of the menu, headings and buttons of the pages visited.
ENGLISH = ("Dashboard", "Reports", "Search", "Sign out", "Cases", "Network explorer",
           "My tasks", "Watch list", "Submit", "Accept", "Reject", "Entities", "Handling", "Status",
           "Send tip", "What happened", "Thank you")
TEXTS = {
    "fr": {
        "menu": "Principal", "new": "Nouveau", "title": "Titre", "text": "Texte du rapport",
        "handling": "Code de traitement", "submit": "Soumettre le rapport",
        "accept": "Accepter", "reject": "Rejeter", "accepted": "acceptée",
        "rejected": "rejetée", "container": "Conteneur", "open_explorer":
        "Ouvrir dans l'explorateur de réseau", "explorer": "Explorateur de réseau",
        "hotline": "Signaler une contrebande ou une fraude douanière",
        "what": "Que s'est-il passé ?", "send": "Envoyer le signalement",
        "received": "Merci : votre signalement a été reçu", "switch": "Français",
        "report_title": "Saisie de cigarettes au port de Varna",
        "report": "Saisie de 12 000 paquets de cigarettes non déclarés dans le conteneur "
                  "MSCU1234565 au port de Varna ; le transitaire répond au +359 888 123 456.",
        "tip": "Des cigarettes sont cachées sous les palettes de carrelage du camion CA 1234 AB.",
    },
    "ar": {
        "menu": "القائمة الرئيسية", "new": "جديد", "title": "العنوان", "text": "نص التقرير",
        "handling": "رمز التداول", "submit": "تقديم التقرير",
        "accept": "قبول", "reject": "رفض", "accepted": "مقبول", "rejected": "مرفوض",
        "container": "الحاوية", "open_explorer": "فتح في مستكشف الشبكة",
        "explorer": "مستكشف الشبكة", "hotline": "الإبلاغ عن تهريب أو غش جمركي",
        "what": "ماذا حدث؟", "send": "إرسال البلاغ", "received": "شكرًا: تم استلام بلاغك",
        "switch": "العربية",
        "report_title": "ضبط سجائر في ميناء فارنا",
        "report": "ضبط 12000 علبة سجائر غير مصرح بها في الحاوية MSCU1234565 في ميناء فارنا؛ "
                  "ويرد المخلص الجمركي على الهاتف +359 888 123 456.",
        "tip": "سجائر مخبأة تحت منصات البلاط في الشاحنة CA 1234 AB.",
    },
}
PHONE = "+359 888 123 456"
CONTAINER = "MSCU1234565"


def _in_language(page, language: str, menu: str | None = None) -> None:
    """The page is in ``language`` (and mirrored in Arabic); its menu and headings hold no
    English word of the interface."""
    page.wait_for_load_state("load")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", re.compile("^" + language))
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    shown = " ".join(page.locator("h1, h2, h3, button:visible, label:visible").all_inner_texts())
    if menu:
        shown += " " + page.get_by_role("navigation", name=menu).inner_text()
    left = [word for word in ENGLISH if re.search(rf"\b{word}\b", shown)]
    assert not left, f"{page.url} still says {left} in {language}"


def _officer(make_user, graph, email: str, language: str) -> None:
    """An intelligence officer whose profile sets the interface language (as /account does)."""
    from app.accounts.service import set_language

    set_language(graph, make_user(email, role="analyst").id, language)


def _log_review_and_explore(page, live_server, email: str, language: str) -> None:
    words = TEXTS[language]
    sign_in(page, live_server, email, "/reports/new")
    page.goto(live_server + "/reports/new?channel=open_source")
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["new"])
    _in_language(page, language, words["menu"])
    page.get_by_label(words["title"], exact=True).fill(words["report_title"])
    page.get_by_label(words["text"]).fill(words["report"])
    page.get_by_label(words["handling"]).select_option("restricted")
    page.get_by_role("button", name=words["submit"]).click(no_wait_after=True)

    # extraction runs on a small shared machine: wait for the report page as a person would
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["report_title"],
                                                                 timeout=120_000)
    _in_language(page, language, words["menu"])
    entities = page.locator("#entities")
    entities.get_by_role("button", name=f"{words['reject']} {PHONE}").click()
    rejected = entities.locator("tr.review-rejected")
    expect(rejected).to_contain_text(PHONE)
    expect(rejected.locator(".review-state")).to_have_text(words["rejected"])
    entities.get_by_role("button", name=f"{words['accept']} {CONTAINER}").click()
    accepted = entities.locator("tr.review-accepted")
    expect(accepted.locator(".review-state")).to_have_text(words["accepted"])
    # the decisions are stored, and read back in the officer's language
    page.reload()
    expect(entities.locator("tr.review-accepted .review-state")).to_have_text(words["accepted"])
    _in_language(page, language, words["menu"])

    entities.locator("tr.review-accepted").get_by_role("link", name=CONTAINER).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONTAINER)
    expect(page.locator(".kind-badge").first).to_have_text(words["container"])
    _in_language(page, language, words["menu"])
    page.get_by_role("link", name=words["open_explorer"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["explorer"])
    expect(page.locator("#node-list")).to_contain_text(CONTAINER, timeout=60_000)
    _in_language(page, language, words["menu"])


def _hotline(phone, live_server, language: str) -> None:
    words = TEXTS[language]
    phone.goto(live_server + "/hotline")
    phone.get_by_role("link", name=words["switch"]).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["hotline"])
    _in_language(phone, language)
    phone.get_by_label(words["what"]).fill(words["tip"])
    phone.get_by_role("button", name=words["send"]).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["received"])
    _in_language(phone, language)
    assert phone.locator("#tip-reference").inner_text().startswith("T-")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_officer_works_in_their_own_language_and_a_tipster_reports_in_it(
        language, page, phone, live_server, make_user, graph):
    from nlp import get_nlp

    get_nlp(language=language)  # the live server shares this process: load the model first
    _officer(make_user, graph, f"{language}@customs.example", language)
    _log_review_and_explore(page, live_server, f"{language}@customs.example", language)
    _hotline(phone, live_server, language)
