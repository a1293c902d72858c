"""Shared test factories: build graph state the way a user would, through the application.

Tests get one ``make`` object (the ``make`` fixture in ``tests/conftest.py``) next to
``make_user`` and ``make_unit``. Every record goes through a real entry point, so a test
that passes proves the application can build the state it starts from:

- registers (traders, persons, declarations, controls, reports, relations) through
  ``flask import`` of an exchange file (``docs/exchange-format.md``), run by Flask's CLI
  runner; the line builders below (``trader``, ``person``, ``declaration``, ``control``,
  ``report``, ``relation``) return one exchange line each, so a test reads like the file;
- cases, tasks, sources, reports typed by an officer, mention reviews and dissemination
  through the API with a token (``make.api``), the same routes a client or page calls.

Never write in Cypher from a test what one of these would write: if a state cannot be
built this way, the application has a gap worth an issue.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.accounts.service import issue_token


def imported(app, path: Path):
    """The summary of `flask import FILE --no-train` run as its use case runs it
    (app/exchange/load.py: aggregates, stale marks, notifications), for a test that reads
    the counts rather than the command's output."""
    from app.exchange.load import import_file
    from graph.db import get_graph

    with app.app_context():
        return import_file(get_graph(), path, train=False, warm=False).summary

# ----------------------------------------------------------------------------------------
# Exchange lines (docs/exchange-format.md); extra keyword arguments become fields.


def trader(ref: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "trader", "id": ref, "name": name, **fields}


def person(ref: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "person", "id": ref, "name": name, **fields}


def declaration(ref: str, date: str, *, hs: str | list[str] = "847130",
                **fields: Any) -> dict[str, Any]:
    """A declaration with one item per HS code (``items=[...]`` replaces them)."""
    codes = [hs] if isinstance(hs, str) else hs
    items = fields.pop("items", None) or [{"hs": code} for code in codes]
    return {"kind": "declaration", "id": ref, "date": date, "items": items, **fields}


def laptops(ref: str, date: str) -> dict[str, Any]:
    """An import declaration of 400 laptops from China by BG555 at Sofia, by road."""
    return declaration(ref, date, flow="import", office="BGSOF001", importer="BG555",
                       exporter="CN1", declarant="BG555", origin="CN", departure="CN",
                       destination="BG", transport={"mode": "road", "container": None},
                       items=[{"hs": "847130", "description": "laptops", "quantity": 400,
                               "unit": "pcs", "weight_kg": 800.0, "value": 12000.0,
                               "value_cif": 12600.0, "currency": "EUR", "tax_rate": 0.0,
                               "taxes": 0.0}])


def control(declaration_id: str, date: str, result: str, **fields: Any) -> dict[str, Any]:
    """A control of a declaration; its graph id is ``<declaration>/<date>``."""
    return {"kind": "control", "declaration": declaration_id, "date": date, "result": result,
            **fields}


def report(ref: str, text: str, *, unit: str = "HQ", channel: str = "informant",
           received: str = "2025-03-01T09:00:00Z", **fields: Any) -> dict[str, Any]:
    """An imported report: ``handling`` (default restricted), ``source`` (a codename),
    ``source_grade``, ``info_grade``, ``title``, ``status`` are optional fields."""
    return {"kind": "report", "id": ref, "channel": channel, "received": received,
            "unit": unit, "text": text, **fields}


def relation(from_kind: str, from_id: str, type_: str, to_kind: str, to_id: str,
             **fields: Any) -> dict[str, Any]:
    return {"kind": "relation", "from": {"kind": from_kind, "id": from_id},
            "to": {"kind": to_kind, "id": to_id}, "type": type_, **fields}


# ----------------------------------------------------------------------------------------


class Factories:
    """``make.import_lines(...)``, ``make.api(...)`` and one method per record a user
    makes through the API. Users are made on demand with ``make_user``."""

    def __init__(self, app, runner, tmp_path: Path, make_user) -> None:
        self.app = app
        self.graph = app.extensions["neo4j"].graph
        self.runner = runner
        self.tmp_path = tmp_path
        self.make_user = make_user
        self._client = app.test_client()  # its own client: never the test's signed-in one
        self._tokens: dict[str, dict[str, str]] = {}
        self._files = 0

    # -- registers --------------------------------------------------------------------

    def import_lines(self, *lines: dict[str, Any], train: bool = False) -> str:
        """Write the lines to an exchange file and ``flask import --strict`` it.

        Every line must be valid and written (else the test stops with the command's
        output); returns that output. ``train=True`` lets the import retrain the risk
        model as the operator's command would."""
        self._files += 1
        path = self.tmp_path / f"register-{self._files}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        args = ["import", str(path), "--strict"] + ([] if train else ["--no-train"])
        result = self.runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        return result.output

    # -- the API as a given user ------------------------------------------------------

    def user(self, email: str, role: str = "analyst", unit: str = "HQ"):
        """The user with this e-mail, made with ``role`` and ``unit`` if new."""
        from graph.users import UserRepository

        if UserRepository(self.graph).by_email(email) is None:
            self.make_user(email, role=role, unit=unit)
        return email

    def bearer(self, email: str) -> dict[str, str]:
        """Authorization headers for the user (one token per user per test)."""
        if email not in self._tokens:
            self._tokens[email] = {"Authorization": "Bearer " + issue_token(self.graph, email)}
        return self._tokens[email]

    def with_tokens(self, users: dict[str, Any]) -> dict[str, Any]:
        """Officers by name with an API token each, the world many tests start from:
        ``{"users": {name: user}, "tokens": {name: headers}}``."""
        return {"users": users,
                "tokens": {name: self.bearer(user.email) for name, user in users.items()}}

    def api(self, method: str, path: str, *, as_: str, expect: int | None = None,
            **kwargs: Any) -> Any:
        """Call ``/api/v1<path>`` as the user; with ``expect``, check the status and return
        the JSON body, else return the response."""
        response = self._client.open("/api/v1" + path, method=method.upper(),
                                     headers=self.bearer(as_), **kwargs)
        if expect is None:
            return response
        assert response.status_code == expect, (path, response.status_code, response.json)
        return response.json

    # -- records made by officers -------------------------------------------------------

    def typed_report(self, text: str, *, by: str, **fields: Any) -> dict[str, Any]:
        """A report an officer writes and submits (``POST /reports``); returns the API's
        answer: ``id``, ``reference`` and the extracted ``entities``."""
        body = {"channel": "liaison", "text": text, **fields}
        return self.api("post", "/reports", as_=by, json=body, expect=201)

    def accept_mentions(self, report_id: str, *texts: str, by: str) -> None:
        """Accept the report's proposed mentions whose words are one of ``texts``."""
        found = self.api("get", f"/reports/{report_id}", as_=by, expect=200)["entities"]
        wanted = set(texts)
        for mention in found:
            if mention["text"] in wanted:
                self.api("patch", f"/reports/{report_id}/mentions/{mention['id']}", as_=by,
                         json={"review": "accepted"}, expect=200)
                wanted.discard(mention["text"])
        assert not wanted, f"no mention of {sorted(wanted)} in {report_id}: {found}"

    def link_mention(self, report_id: str, text: str, entity_id: str, *, by: str) -> None:
        """Link the report's mention with these words to an existing entity."""
        found = self.api("get", f"/reports/{report_id}", as_=by, expect=200)["entities"]
        mention = next((m for m in found if m["text"] == text), None)
        if mention is None:  # not extracted: mark the words by hand first, as an analyst does
            mention = self.api("post", f"/reports/{report_id}/mentions", as_=by,
                               json={"label": "ORG", "text": text}, expect=201)
        self.api("patch", f"/reports/{report_id}/mentions/{mention['id']}", as_=by,
                 json={"entity_id": entity_id}, expect=200)

    def source(self, codename: str, *, type_: str = "informant", handler: str | None = None,
               controller: str | None = None, identity: dict[str, Any] | None = None,
               reliability: str | None = None) -> str:
        """A registered source (``POST /sources`` by its handler); returns the codename."""
        handler = handler or self.user("handler@customs.example", role="handler")
        controller = controller or self.user("controller@customs.example", role="analyst")
        from graph.users import UserRepository

        users = UserRepository(self.graph)
        body: dict[str, Any] = {
            "codename": codename, "type": type_,
            "controller_id": users.by_email(controller)["id"],
        }
        if identity:
            body["identity"] = identity
        if reliability:
            body["reliability"] = reliability
        return self.api("post", "/sources", as_=handler, json=body, expect=201)["codename"]

    def case(self, title: str, *, by: str, kind: str = "investigation",
             reports: tuple[str, ...] = (), entities: tuple[str, ...] = ()) -> str:
        """A case opened by ``by`` (in their unit), with reports and entities attached."""
        case_id = self.api("post", "/cases", as_=by, json={"title": title, "kind": kind},
                           expect=201)["id"]
        for report_id in reports:
            self.api("post", f"/cases/{case_id}/reports", as_=by,
                     json={"report_id": report_id}, expect=201)
        for entity_id in entities:
            self.api("post", f"/cases/{case_id}/entities", as_=by,
                     json={"entity_id": entity_id}, expect=201)
        return case_id

    def task(self, title: str, *, by: str, case_id: str | None = None,
             **fields: Any) -> dict[str, Any]:
        """A task of a case, or a standing task when ``case_id`` is None; ``assignee``
        (e-mail), ``unit``, ``due``, ``priority``, ``description`` as the API takes them."""
        path = f"/cases/{case_id}/tasks" if case_id else "/tasks"
        return self.api("post", path, as_=by, json={"title": title, **fields}, expect=201)

    def evaluate(self, report_id: str, *, by: str, info_grade: str = "2",
                 source_grade: str | None = None) -> None:
        """An analyst evaluates a submitted report (``evaluated_at`` is now)."""
        body = {"action": "evaluate", "info_grade": info_grade}
        if source_grade:
            body["source_grade"] = source_grade
        self.api("post", f"/reports/{report_id}/transitions", as_=by, json=body, expect=200)

    def disseminate(self, report_id: str, *, by: str, units: tuple[str, ...] = (),
                    users: tuple[str, ...] = ()) -> None:
        """Send an evaluated report to units (names) and officers (user ids)."""
        self.api("post", f"/reports/{report_id}/dissemination", as_=by,
                 json={"units": list(units), "users": list(users)}, expect=201)

    def feedback(self, report_id: str, *, by: str, useful: bool = True,
                 actioned: bool = False, result: str = "") -> None:
        """A recipient's feedback on a report sent to them."""
        self.api("post", f"/reports/{report_id}/feedback", as_=by,
                 json={"useful": useful, "actioned": actioned, "result": result}, expect=201)
