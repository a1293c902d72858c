"""Figures read as the officer's language writes them: the KPI pages in French say
``33,3 %`` and ``30 000``, not the English ``33.3%`` and ``30,000`` (one filter, ``number``
/ ``percent`` of app/templating.py, on every page)."""

from __future__ import annotations

import pytest

from tests.integration.test_i18n_pages import choose_language
from tests.integration.test_kpi_pages import _seed

NNBSP, NBSP = "\u202f", "\xa0"
FIGURES = {
    "fr": {"dashboard": [f"2 (33,3{NBSP}%)", f"1 (50,0{NBSP}%)", "24,0 h", f"30{NNBSP}000"],
           "annual": [f"taux de résultats positifs de 33,3{NBSP}%", f"30{NNBSP}000"],
           "english": ["33.3%", "30,000", "24.0 h"]},
    "ar": {"dashboard": ["2 (33.3%)", "24.0 ساعة"], "annual": ["33.3%"],
           "english": ["24.0 h"]},
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_kpi_figures_in_the_officers_language(language, make, make_unit, client, auth):
    year = _seed(make, make_unit)
    auth.login("committee@customs.example")
    choose_language(client, language)
    expected = FIGURES[language]

    dashboard = client.get(f"/kpi/?year={year}")
    assert dashboard.status_code == 200
    for figure in expected["dashboard"]:
        assert figure in dashboard.text, figure
    annual = client.get(f"/kpi/annual?year={year}").text
    for figure in expected["annual"]:
        assert figure in annual, figure
    for english in expected["english"]:
        assert english not in dashboard.text and english not in annual, english
