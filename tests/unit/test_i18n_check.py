"""`make lint`'s translation check (app/i18n_check.py) and the locale-aware filters."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from app import i18n_check
from app.templating import local_time


def _catalogue(folder, lang: str, entries: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    catalogue = Catalog(locale=lang)
    for msgid, text in entries.items():
        catalogue.add(msgid, text, flags=["fuzzy"] if msgid in fuzzy else [])
    path = folder / lang / "LC_MESSAGES"
    path.mkdir(parents=True)
    with (path / "messages.po").open("wb") as handle:
        write_po(handle, catalogue)


def test_the_repositorys_catalogues_are_complete():
    """What `make lint` runs: every marked string translated, every template clean."""
    assert i18n_check.main() == 0


def test_a_message_missing_untranslated_or_fuzzy_is_a_problem(tmp_path):
    _catalogue(tmp_path, "fr", {"Sign in": "Se connecter", "Cases": "", "Sources": "Sources"},
               fuzzy=("Sources",))
    _catalogue(tmp_path, "ar", {"Sign in": "تسجيل الدخول", "Cases": "القضايا",
                                "Sources": "المصادر"})
    marked = {"Sign in": "a.html:1", "Cases": "b.py:2", "Sources": "c.py:3", "Tokens": "d.py:4"}
    problems = i18n_check.missing_translations(marked, tmp_path)
    assert problems == [
        "b.py:2: 'Cases' is untranslated in the fr catalogue",
        "c.py:3: 'Sources' is untranslated in the fr catalogue",
        "d.py:4: 'Tokens' is not in the fr catalogue",
        "d.py:4: 'Tokens' is not in the ar catalogue",
    ]


def test_the_marked_messages_include_templates_code_and_plurals():
    marked = i18n_check.marked_messages()
    assert marked["Skip to content"].startswith("app/templates/base.html")
    assert marked["Please sign in to continue."].startswith("app/extensions.py")
    assert "%(num)d minute" in marked  # ngettext, keyed by its singular


def test_text_left_outside_gettext_in_a_template_is_found():
    source = """{% extends "base.html" %}{# a comment in English is fine #}
<h1>{{ _('Dashboard') }}</h1>
<p class="muted">Figures read now.</p>
<a title="Your account" href="#">{{ name }}</a> · <bdi>{{ ref }}</bdi>
<span>Cordon</span><script>var x = "not text";</script>"""
    assert i18n_check.untranslated_text(source) == ["Your account", "Figures read now."]


def test_every_template_is_checked_and_clean():
    names = i18n_check.checked_templates()
    assert "base.html" in names and "hotline/tip.html" in names and len(names) > 60
    assert i18n_check.template_problems() == []
    assert i18n_check.template_problems(["nowhere.html"]) == [
        "app/templates/nowhere.html: no such template"]


def test_a_bare_flash_or_label_in_the_code_is_found(tmp_path):
    (tmp_path / "routes.py").write_text(
        'flash(_("Saved."), "success")\nflash(f"Report {rid} saved.", "success")\n'
        'name = StringField(_l("Name"))\ncode = StringField("Code")\n'
    )
    problems = i18n_check.code_problems(tmp_path)
    assert len(problems) == 2
    assert ":2: a literal outside _()" in problems[0] and ":4: a literal outside _()" in problems[1]


def test_times_are_written_in_the_pages_language():
    utc = ZoneInfo("UTC")
    when = "2026-03-12T06:05:00+00:00"
    assert local_time(when, utc)[1] == "12 Mar 2026, 06:05 UTC"
    assert local_time(when, utc, Locale.parse("fr"))[1] == "12 mars 2026, 06:05 UTC"
    arabic = local_time(when, utc, Locale.parse("ar"))[1]
    assert arabic.startswith("12 مارس 2026") and "\u060c" in arabic  # the Arabic comma
    assert local_time(date(2026, 12, 7), utc, Locale.parse("fr"))[1] == "07 déc. 2026"


def test_numbers_and_money_follow_the_page_language():
    from flask import Flask
    from flask_babel import force_locale
    from flask_login import LoginManager

    from app import i18n
    from app.templating import money, number

    app = Flask("app")  # the app package's folder: its translations
    LoginManager(app).user_loader(lambda _id: None)
    i18n.init_app(app)
    with app.test_request_context("/"):
        assert number(12300.0) == "12,300" and money(2520.5, "EUR") == "€2,520.50"
        with force_locale("fr"):
            assert number(12300.0) == "12\u202f300" and number(2520.5) == "2\u202f520,50"
            assert money(2520.5, "XOF") == "2\u202f520\u00a0F\u202fCFA"
        with force_locale("ar"):
            assert "12" in number(12300.0) and money(1, None) == "1"
        assert money(None) == "" and money("n/a") == "n/a"
        assert i18n.term("in_progress") == "in progress" and i18n.term("other") == "other"
        assert i18n.lane_name("red") == "red lane"
        with force_locale("fr"):
            assert i18n.lane_name("red") == "circuit rouge"
            assert str(i18n.bdi("MSCU1234565")) == "<bdi>MSCU1234565</bdi>"


def test_a_stored_word_without_a_translated_label_is_a_problem(tmp_path, monkeypatch):
    """Entity kinds, relation types, lanes, roles… are shown through ``term``: a word with
    no label, or a label missing from a catalogue, fails the check."""
    from app import i18n

    _catalogue(tmp_path, "fr", {"Person": "Personne"})
    _catalogue(tmp_path, "ar", {"Person": "شخص"})
    monkeypatch.setattr(i18n, "VOCABULARY", {"Person": i18n.VOCABULARY["Person"],
                                             "red": i18n.VOCABULARY["red"]})
    problems = i18n_check.vocabulary_problems(tmp_path)
    assert "graph/vocabulary.py EntityKind: 'Vessel' has no label in app.i18n.VOCABULARY or ROLES" \
        in problems
    assert ("graph/vocabulary.py RelationType: 'DIRECTOR_OF' has no label in "
            "app.i18n.VOCABULARY or ROLES") in problems
    assert "graph/vocabulary.py LANES 'red': 'red lane' is not in the ar catalogue" in problems
    assert not [p for p in problems if "'Person'" in p]


def test_a_stored_word_reads_in_the_pages_language():
    from flask import Flask

    from app import i18n
    from app.accounts.roles import Role
    from graph.vocabulary import Channel

    app = Flask("app")  # root: the app package, whose translations/ Flask-Babel reads
    app.secret_key = "test"
    i18n.init_app(app)
    with app.test_request_context("/?lang=fr"):
        assert i18n.term("DIRECTOR_OF") == "dirigeant de"
        assert i18n.term(Channel.LIAISON) == "Saisie de liaison"
        assert i18n.term("red") == "circuit rouge"
        assert i18n.term("HQ-only") == "HQ-only" and i18n.term(None) == ""
    with app.test_request_context("/?lang=ar"):
        assert i18n.term("Person") == "شخص"
        assert i18n.term("liaison", "role") == i18n.term(Role.LIAISON) != i18n.term("liaison")


def test_a_word_a_template_prints_as_a_bare_literal_is_found():
    source = """<a>{{ 'older' if q else _('newer') }}</a><p>{{ x.title or 'chart' }}</p>
<span class="lane-{{ c.lane|default('blue', true) }}">{{ {'a': _('b')}.get(k, k) }}</span>"""
    assert i18n_check.untranslated_text(source) == ["older", "chart"]


def test_a_menu_entry_flash_or_label_written_as_a_literal_is_found(tmp_path):
    (tmp_path / "feature.py").write_text(
        'nav_item("x.index", "Find a thing", order=1)\n'
        'nav_item("x.other", _l("Other things"), order=2)\n'
        'flash(f"Saved {name}.")\n'
        'name = StringField("Name")\n')
    problems = i18n_check.code_problems(tmp_path)
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["1", "3", "4"]


def test_what_graph_says_is_extracted_and_a_bare_refusal_is_found(tmp_path):
    marked = i18n_check.marked_messages()
    assert marked["%(value)r is not an HS code (6 to 10 digits)"].startswith(
        "graph/exchange/records.py")
    assert marked["Completely reliable"].startswith("graph/grading.py")
    (tmp_path / "records.py").write_text(
        'raise LineError(f"{name}: required")\n'
        'raise LineError(N_("required").at(name))\n'
        'raise PackageRefused("the file is damaged")\n'
        'raise GradingError(N_("A %(what)s is required.", what=what), field)\n')
    problems = i18n_check.code_problems(tmp_path)
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["1", "3"]
