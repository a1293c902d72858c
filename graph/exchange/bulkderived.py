"""What the import's pass after a file would write, counted for a first load from its
folded rows, so that it goes into the CSV files with them (graph/exchange/bulk.py).

Into an empty database the pass after the file (app/exchange/load.py) finds every
declaration and control new, so what it writes is known before the store exists. It is
computed here with the code the pass itself uses:

- the risk aggregates (``graph.riskstats.Aggregates``): trader activity and unit-value
  windows from the declaration lines in file order; hit counts from the controls of
  declared (not only referenced) declarations, each declaration read as the pass reads it
  from the graph (``declaration_from_node``);
- the marks: ``risk_counted`` on those declarations and controls, ``risk_stale`` on the
  traders the declarations name, and the count of controls since the last model;
- the selection record a controlled declaration gets from its first control
  (``graph.controls.selection_from_control``);
- the AEO status lines of the trader lines (``graph.aeo.status_nodes``).

Only the watch notifications are left for after the load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.aeo import status_nodes
from graph.controls import selection_from_control
from graph.entities import entity_id
from graph.riskstats import PARTIES, Aggregates, declaration_from_node
from graph.vocabulary import EntityKind

if TYPE_CHECKING:
    from graph.exchange.bulk import BulkPlan

_PARTY_LINKS = {"importer": "IMPORTED_BY", "exporter": "EXPORTED_BY",
                "declarant": "DECLARED_BY"}  # fmt: skip


@dataclass
class Derived:
    """The nodes the pass after the file would create, as rows of their CSV files."""

    stats: list[dict[str, Any]] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    windows: list[dict[str, Any]] = field(default_factory=list)
    selections: list[dict[str, Any]] = field(default_factory=list)
    aeo_statuses: list[dict[str, Any]] = field(default_factory=list)
    controls_counted: int = 0


def derive(plan: BulkPlan, now: str) -> Derived:
    """Count the plan's records and mark its nodes (in place) as the pass would."""
    derived = Derived()
    entities, declarations = plan.entities, plan.declarations
    aggregates = Aggregates()
    for key, row in plan.declaration_rows.items():
        declarations[key]["risk_counted"] = True
        aggregates.add_declaration(row)
        for role in PARTIES:
            if row.get(role):
                entities[_trader(row[role])]["risk_stale"] = True
    for control in plan.controls.values():
        declaration = declarations[control["_declaration"]]
        if declaration["status"] == "referenced":
            continue
        control["risk_counted"] = True
        derived.controls_counted += 1
        aggregates.add_control(
            declaration_from_node(_stored(declaration), _parties(plan, declaration)),
            _stored(control))
    derived.stats = aggregates.stat_rows()
    derived.activity = [{"trader": row["trader"], "first_declaration": row["first"],
                         "n_declarations": row["n"]} for row in aggregates.activity_rows()]
    derived.windows = aggregates.value_rows()
    selections: dict[str, dict[str, Any]] = {}
    for row in plan.control_rows.values():
        key = str(row["declaration"])
        if key not in selections:
            selections[key] = selection_from_control(
                row, declarations[key].get("extra_json"), now)
    derived.selections = list(selections.values())
    nodes, latest = status_nodes(plan.aeo_history, "import", now)
    derived.aeo_statuses = [{"id": key, **node, "_trader": _trader(node["trader"])}
                            for key, node in nodes.items()]
    for ref, node in latest.items():
        entities[_trader(ref)].update(aeo_status=node["status"], aeo_level=node["level"],
                                      aeo_since=node["date"])
    return derived


def _trader(ref: str) -> str:
    return entity_id(EntityKind.TRADER, ref)


def _stored(node: dict[str, Any]) -> dict[str, Any]:
    """A planned node's properties as the graph returns them (``n {.*}``)."""
    return {k: v for k, v in node.items() if not k.startswith("_") and v is not None}


def _parties(plan: BulkPlan, declaration: dict[str, Any]) -> dict[str, str | None]:
    """The refs of the traders a declaration links to, as the pass reads them."""
    links = declaration.get("_links") or {}
    return {role: plan.entities[links[rel]]["ref"] if rel in links else None
            for role, rel in _PARTY_LINKS.items()}
