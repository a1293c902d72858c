"""First load of an exchange file through Neo4j's offline importer (``neo4j-admin``).

``flask import FILE --initial`` into an empty database: every line is validated with the
same validators as the online import (``records.parse_line``), then the high-volume
kinds (traders, persons, declarations, controls, the entities they point at) are folded
into their final state (a later line with the same id replaces an earlier one, as the
online upsert does), what the import's pass after the file derives from them is counted
(risk aggregates, marks, selection records, AEO status lines: graph/exchange/bulkderived.py),
and all of it is written as CSV files that ``neo4j-admin database import full`` turns into
a store in one pass, without transactions, with the schema of the database it replaces
(``--schema``). Reports and relation lines (few; reports need extraction against the
graph, sources, references) are written afterwards through the online import's own
writers, so the graph is the one ``flask import`` would build.

The node and relationship shapes mirror ``graph/trade.py`` (``CREATE_*`` statements);
change both together. Empty lists cannot be written in the importer's CSV (an empty field
is no property), so ``FILL_EMPTY_LISTS`` sets them once the database is up.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph
from graph.entities import EntityRow
from graph.exchange.bulkderived import Derived, derive
from graph.exchange.importer import ImportSummary
from graph.exchange.records import Context, LineError, Record, parse_line
from graph.messages import message_of
from graph.vocabulary import EntityKind

# A database counts as empty when it holds no register record. The offline importer
# replaces the whole store, so what it does hold (units, users, settings, the audit log)
# is read first and written into the CSV files too; the migrations are applied again after.
COUNT_RECORDS = """
MATCH (n) WHERE n:Entity OR n:Declaration OR n:Control OR n:Report OR n:Source
RETURN count(n) AS n
"""
READ_KEPT_NODES = """
MATCH (n) WHERE NOT n:Migration
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""
READ_KEPT_LINKS = """
MATCH (a)-[r]->(b) WHERE NOT a:Migration AND NOT b:Migration
RETURN elementId(a) AS start, elementId(b) AS end, type(r) AS type, properties(r) AS props
"""
FILL_EMPTY_LISTS = (
    "MATCH (e:Entity) WHERE e.aliases IS NULL "
    "CALL (e) { SET e.aliases = [] } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (d:Declaration) WHERE d.status = 'confirmed' AND d.hs IS NULL "
    "CALL (d) { SET d.hs = [] } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (s:Selection) WHERE s.indicators IS NULL "
    "CALL (s) { SET s.indicators = [], s.profiles = coalesce(s.profiles, []) } "
    "IN TRANSACTIONS OF 10000 ROWS",
)

NODE_FILES = ("entities", "declarations", "controls", "risk_stats", "risk_activity",
              "unit_value_windows", "selections", "aeo_statuses")  # fmt: skip
RELATIONSHIP_FILES = ("register_links", "declaration_links", "control_links",
                      "selection_links", "aeo_links")  # fmt: skip


class BulkRefused(RuntimeError):
    """The first load cannot run here (database not empty, importer failed)."""


@dataclass
class BulkPlan:
    """The file folded into final node states, in file order; what goes online after."""

    summary: ImportSummary = field(default_factory=lambda: ImportSummary())
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    declarations: dict[str, dict[str, Any]] = field(default_factory=dict)
    controls: dict[str, dict[str, Any]] = field(default_factory=dict)
    register_links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    aeo_history: list[dict[str, Any]] = field(default_factory=list)
    declaration_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    control_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    online: list[Record] = field(default_factory=list)  # reports and relations
    derived: Derived = field(default_factory=lambda: Derived())


def is_empty(graph: Graph) -> bool:
    return graph.query(COUNT_RECORDS)[0]["n"] == 0


def read_kept(graph: Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and relationships of an empty database, to carry into the new store."""
    return graph.query(READ_KEPT_NODES), graph.query(READ_KEPT_LINKS)


def fill_empty_lists(graph: Graph) -> None:
    for statement in FILL_EMPTY_LISTS:
        graph.run_schema(statement)


# -- validating and folding ------------------------------------------------------------
def plan(
    path: Path, ctx: Context, *, strict: bool = False,
    on_error: Callable[[int, str], None] | None = None,
) -> BulkPlan:
    """Validate every line (each bad one reported), fold the valid ones and count what
    derives from them; with ``strict`` a bad line leaves the plan unwritten
    (``summary.written`` False)."""
    result = BulkPlan()
    summary = result.summary
    now = utc_now()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            summary.lines += 1
            try:
                record = parse_line(raw, number, ctx)
            except LineError as exc:
                summary.reject(number, str(exc))
                if on_error:
                    on_error(number, message_of(exc))
                continue
            if record is None:
                summary.blank += 1
                continue
            _fold(result, record, now)
    if strict and not summary.ok:
        summary.written = False
    else:
        result.derived = derive(result, now)
    return result


def _fold(result: BulkPlan, record: Record, now: str) -> None:
    kind = record.kind
    if kind in ("report", "relation"):
        result.online.append(record)
        return
    _count(result, record)
    for ref in record.refs:
        _reference(result.entities, ref, now)
    data = record.data
    if kind in ("trader", "person"):
        _party(result, record, now)
    elif kind == "declaration":
        result.declaration_rows.pop(record.key, None)  # file order of the last line
        result.declaration_rows[record.key] = data
        old = result.declarations.get(record.key)
        result.declarations[record.key] = {
            "id": record.key, "created_at": old["created_at"] if old else now,
            "status": "confirmed", **{k: data[k] for k in _DECLARATION_FIELDS},
            "items_json": _json(data["items"]), "extra_json": _extra(data),
            "_links": dict(data["links"]),
        }
    elif kind == "control":
        decl = data["declaration"]
        if decl not in result.declarations:
            result.declarations[decl] = {"id": decl, "status": "referenced", "created_at": now}
        old = result.controls.get(record.key)
        outcome = {**(old["_outcome"] if old else {}), **(data.get("outcome") or {})}
        result.control_rows.pop(record.key, None)
        result.control_rows[record.key] = data
        result.controls[record.key] = {
            "id": record.key, "created_at": old["created_at"] if old else now,
            "date": data["date"], "lane": data["lane"], "result": data["result"],
            "finding": data["finding"], "revenue": data["revenue"],
            "seized_json": _json(data["seized"]), "extra_json": _extra(data),
            **outcome, "_outcome": outcome, "_declaration": decl,
        }


def _count(result: BulkPlan, record: Record) -> None:
    seen = {
        "trader": lambda k: result.entities.get(k, {}).get("_line"),
        "person": lambda k: result.entities.get(k, {}).get("_line"),
        "declaration": lambda k: result.declaration_rows.get(k),
        "control": lambda k: result.control_rows.get(k),
    }[record.kind](record.key)
    field_name = "updated" if seen else "created"
    setattr(result.summary, field_name, getattr(result.summary, field_name) + 1)
    result.summary.by_kind[record.kind][field_name] += 1


def _reference(entities: dict[str, dict[str, Any]], ref: EntityRow, now: str) -> None:
    """As ``trade.ensure_entities``: the first row creates, a confirmed one confirms."""
    node = entities.get(ref.id)
    if node is None:
        row = ref.to_param()
        entities[ref.id] = {
            "id": ref.id, "_labels": ("Entity", EntityKind(row["kind"]).value),
            "label": row["label"], "ref": row["ref"], "name": row["name"], "key": row["key"],
            "status": row["status"], "aliases_text": "", "created_at": now, **row["props"],
        }
    elif ref.status == "confirmed" and node["status"] != "confirmed":
        node["status"] = "confirmed"
        node.update(ref.properties or {})


def _party(result: BulkPlan, record: Record, now: str) -> None:
    """As ``trade.write_traders`` / ``write_persons``: the line's fields win, its register
    links replace those of an earlier line of the same party."""
    from graph.trade import _org_key, _person_key

    data = record.data
    trader = record.kind == "trader"
    node = result.entities.get(record.key) or {
        "id": record.key, "aliases_text": "", "created_at": now,
    }
    node["_labels"] = ("Entity", "Trader" if trader else "Person")
    node.update(
        label="ORG" if trader else "PERSON", ref=data["id"], name=data["name"],
        key=(_org_key if trader else _person_key)(data["name"]), status="confirmed",
        extra_json=_extra(data), _line=record.line,
    )
    fields = ("country", "aeo", "registered") if trader else ("nationality", "dob")
    node.update({f: data[f] for f in fields})
    if not trader:
        from nlp import translit_key

        node["translit"] = translit_key(data["name"])
    result.entities[record.key] = node
    result.register_links[record.key] = [
        {"from": record.key, "to": to, "type": rel, "via": record.kind, "role": role}
        for rel, to, role in data["links"]
    ]
    if trader:
        result.aeo_history.extend(
            {"trader": data["id"], **h} for h in data.get("aeo_history") or ())


_DECLARATION_FIELDS = ("date", "flow", "office", "origin", "departure", "destination", "mode",
                       "value", "value_cif", "weight_kg", "taxes", "hs")  # fmt: skip


def _json(value: Any) -> str:
    from graph.trade import _json as as_json

    return as_json(value)


def _extra(data: dict[str, Any]) -> str | None:
    return _json(data["extra"]) if data.get("extra") else None


# -- the CSV files -------------------------------------------------------------------------
@dataclass
class CsvFiles:
    """The files by name; ``multiline`` when a field spans lines (the importer must then
    parse in one thread, ``--multiline-fields=true``)."""

    files: dict[str, Path] = field(default_factory=dict)
    multiline: bool = False


def write_csv(result: BulkPlan, kept: tuple[list[dict[str, Any]], list[dict[str, Any]]],
              folder: Path) -> CsvFiles:
    """Write the node and relationship files with typed headers."""
    folder.mkdir(parents=True, exist_ok=True)
    now = utc_now()
    written = CsvFiles()

    def write(name: str, rows: Iterable[dict[str, Any]], id_column: tuple[str, str] | None,
              ends: tuple[str, str] | None = None) -> None:
        written.files[name] = folder / f"{name}.csv"
        if _write_table(written.files[name], list(rows), id_column, ends):
            written.multiline = True

    nodes, links = kept
    derived = result.derived
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in _with_counted_controls(nodes, derived.controls_counted):
        by_labels.setdefault(tuple(sorted(node["labels"])), []).append(
            {**_plain(node["props"]), "_key": node["id"], "_labels": tuple(node["labels"])})
    for number, rows in enumerate(by_labels.values()):
        write(f"kept_{number}", rows, (":ID(Kept)", "_key"))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        by_type.setdefault(link["type"], []).append(
            {**_plain(link["props"]), "_start": link["start"], "_end": link["end"],
             "_type": link["type"]})
    for number, rows in enumerate(by_type.values()):
        write(f"kept_links_{number}", rows, None, ("Kept", "Kept"))
    write("entities", result.entities.values(), ("id:ID(Entity)", "id"))
    write("declarations", ({**d, "_labels": ("Declaration",)}
                           for d in result.declarations.values()),
          ("id:ID(Declaration)", "id"))
    write("controls", ({**c, "_labels": ("Control",)} for c in result.controls.values()),
          ("id:ID(Control)", "id"))
    write("register_links", (
        {"_start": link["from"], "_end": link["to"], "_type": link["type"], "created_at": now,
         "created_by": "import", "source": "register", "via": link["via"],
         "role": link["role"]}
        for links in result.register_links.values() for link in links),
        None, ("Entity", "Entity"))
    write("declaration_links", (
        {"_start": d["id"], "_end": to, "_type": rel}
        for d in result.declarations.values() for rel, to in (d.get("_links") or {}).items()),
        None, ("Declaration", "Entity"))
    write("control_links", ({"_start": c["id"], "_end": c["_declaration"], "_type": "CONTROL_OF"}
                            for c in result.controls.values()), None, ("Control", "Declaration"))
    for name, label, rows in (("risk_stats", "RiskStat", derived.stats),
                              ("risk_activity", "RiskActivity", derived.activity),
                              ("unit_value_windows", "UnitValueWindow", derived.windows)):
        write(name, ({**row, "_key": str(n), "_labels": (label,)} for n, row in enumerate(rows)),
              (f":ID({label})", "_key"))
    write("selections", ({**s, "_labels": ("Selection",)} for s in derived.selections),
          ("id:ID(Selection)", "id"))
    write("selection_links", ({"_start": s["id"], "_end": s["declaration"],
                               "_type": "SELECTION_OF"} for s in derived.selections),
          None, ("Selection", "Declaration"))
    write("aeo_statuses", ({**s, "_labels": ("AeoStatus",)} for s in derived.aeo_statuses),
          ("id:ID(AeoStatus)", "id"))
    write("aeo_links", ({"_start": s["id"], "_end": s["_trader"], "_type": "STATUS_OF"}
                        for s in derived.aeo_statuses),
          None, ("AeoStatus", "Entity"))
    return written


def _with_counted_controls(nodes: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The kept nodes with the risk settings counting the file's controls, as
    ``graph.riskstats.COUNT_CONTROLS_SINCE_MODEL`` would."""
    if not n:
        return nodes
    settings = next((node for node in nodes if "RiskSettings" in node["labels"]
                     and node["props"].get("id") == "current"), None)
    if settings is None:
        return [*nodes, {"id": "settings", "labels": ["RiskSettings"],
                         "props": {"id": "current", "controls_since_model": n}}]
    props = settings["props"]
    settings["props"] = {**props, "controls_since_model": (props.get("controls_since_model")
                                                          or 0) + n}
    return nodes


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    """Kept properties as CSV values: temporal values as ISO text, typed ``datetime``."""
    return {key: _Temporal(value.iso_format()) if hasattr(value, "iso_format") else value
            for key, value in props.items()}


class _Temporal(str):
    """A date-time read from the graph, written back as one."""


def _kind_of(value: Any) -> str:
    if isinstance(value, _Temporal):
        return "datetime"
    if isinstance(value, list):
        return f"{_kind_of(value[0])}[]" if value else "string[]"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _write_table(path: Path, rows: list[dict[str, Any]], id_column: tuple[str, str] | None,
                 ends: tuple[str, str] | None) -> bool:
    """One CSV with a typed header: properties are the rows' keys not starting with ``_``,
    typed from their first non-null value; a null is an empty field (no property) and an
    empty string is quoted (kept). True when a value spans lines."""
    types: dict[str, str] = {}
    for row in rows:
        for key, value in row.items():
            if not key.startswith("_") and value is not None and key not in types:
                types[key] = _kind_of(value)
    if id_column is not None:
        types.pop(id_column[1], None)
    props = sorted(types)
    header = ([id_column[0], ":LABEL"] if id_column else
              [f":START_ID({ends[0]})", f":END_ID({ends[1]})", ":TYPE"])  # type: ignore[index]
    header += [name if types[name] == "string" else f"{name}:{types[name]}" for name in props]
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        for row in rows:
            lead = ([row[id_column[1]], ";".join(row["_labels"])] if id_column
                    else [row["_start"], row["_end"], row["_type"]])
            cells = [_field(v) for v in lead] + [_field(_cell(row.get(n))) for n in props]
            line = ",".join(cells)
            multiline = multiline or "\n" in line or "\r" in line
            handle.write(line + "\n")
    return multiline


def _field(value: Any) -> str:
    """A null is an empty field (no property); text is always quoted, so an empty string
    stays one; numbers as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace('"', '""') + '"'


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(_cell(v)) for v in value) if value else None
    return value


# -- the offline importer ------------------------------------------------------------------
def admin_arguments(written: CsvFiles, database: str = "neo4j") -> list[str]:
    """``neo4j-admin`` arguments for these files (after the ``neo4j-admin`` program)."""
    files, multiline = written.files, written.multiline
    args = ["database", "import", "full"]
    args += [f"--nodes={path}" for name, path in files.items() if name in NODE_FILES
             or (name.startswith("kept_") and not name.startswith("kept_links_"))]
    args += [f"--relationships={path}" for name, path in files.items()
             if name in RELATIONSHIP_FILES or name.startswith("kept_links_")]
    folder = next(iter(files.values())).parent
    args += ["--overwrite-destination", f"--multiline-fields={str(multiline).lower()}",
             f"--report-file={folder / 'import.report'}",
             database]
    return args


def operator_command(written: CsvFiles, database: str = "neo4j") -> str:
    return shlex.join(["neo4j-admin", *admin_arguments(written, database)])


def run_admin_import(written: CsvFiles, home: Path, *, lib_dir: Path, java: str = "java",
                     heap: str = "1g", log: Path) -> None:
    """Run Neo4j's own importer (``org.neo4j.cli.AdminTool``) on a stopped store."""
    command = [java, f"-Xmx{heap}", "-cp", f"{lib_dir.resolve()}/*", "org.neo4j.cli.AdminTool",
               *admin_arguments(written)]
    env = {**os.environ, "NEO4J_HOME": str(home)}
    env.pop("NEO4J_CONF", None)
    with log.open("ab") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                              stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        raise BulkRefused(f"neo4j-admin import failed (exit {done.returncode}); see {log}")
