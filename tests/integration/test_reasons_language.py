"""A declaration's risk reasons read in the officer's language down to their details: the
links the importer shares with a seized trader (``dirigeant Ivan Petrov``, ``téléphone
+359 …``), the seizure's date as every page shows dates (``03 févr. 2025``, not
``2025-02-03``), the kind of entity a report names and how it was linked to it."""

from __future__ import annotations

import pytest

from tests.integration.test_i18n_pages import choose_language, visible
from tests.integration.test_riskengine_api import PERSONS, TRADERS, declaration

SAID = {
    "fr": {"said": ["dirigeant Ivan Petrov", "téléphone +359 2 555 0101",
                    "saisie le 03 févr. 2025", "opérateur BG999 par numéro d&#39;enregistrement"],
           "english": ["director Ivan Petrov", "and phone +359", "2025-02-03", "trader BG999",
                       "via id"]},
    "ar": {"said": ["المدير Ivan Petrov", "الهاتف +359 2 555 0101", "حجز في 03 فبراير 2025",
                    "المتعامل BG999 عبر رقم التسجيل"],
           "english": ["director Ivan Petrov", "and phone +359", "2025-02-03", "trader BG999",
                       "via id"]},
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_risk_reasons_details_in_the_officers_language(language, make, client, auth):
    make.import_lines(
        *TRADERS, *PERSONS,
        declaration("DEC-OLD-1", "BG123", "2025-02-01"),
        {"kind": "control", "declaration": "DEC-OLD-1", "date": "2025-02-03", "lane": "red",
         "result": "positive", "finding": "concealment", "revenue": 4100.0,
         "seized": [{"hs": "240220", "description": "cigarettes", "quantity": 100000,
                     "unit": "pcs"}]},
        {"kind": "report", "id": "R-1", "channel": "informant", "unit": "HQ",
         "received": "2025-03-25T09:00:00Z", "handling": "open", "source_grade": "B",
         "info_grade": "2", "text": "Fresh Start EOOD will import laptops hiding cigarettes."},
        declaration("DEC-NEW-1", "BG999"),
    )
    make.user("analyst@customs.example")
    auth.login("analyst@customs.example")
    choose_language(client, language)
    page = client.get("/declarations/DEC-NEW-1")
    assert page.status_code == 200
    text = visible(page.text)
    for said in SAID[language]["said"]:
        assert said in text, said
    for english in SAID[language]["english"]:
        assert english not in text, english


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_figures_inside_reasons_in_the_officers_language(language, make, client, auth):
    """The smoothed rates of the commodities' reasons: ``taux lissé 100 %`` in French."""
    make.import_lines(
        *TRADERS,
        declaration("DEC-OLD-1", "BG123", "2025-02-01"),
        {"kind": "control", "declaration": "DEC-OLD-1", "date": "2025-02-03", "lane": "red",
         "result": "positive", "finding": "concealment", "revenue": 4100.0},
    )
    make.user("analyst@customs.example")
    auth.login("analyst@customs.example")
    choose_language(client, language)
    page = client.get("/risk/commodities")
    assert page.status_code == 200
    said = {"fr": "(taux lissé 100\xa0%)", "ar": "(المعدل المصحَّح 100%)"}[language]
    assert said in page.text, page.text[-3000:]
