"""FollowTheMoney entities (the data model of Aleph and OpenSanctions) of the persons and
companies that reports name, with the ownership and directorship the reports state
(docs/interfaces.md, "FollowTheMoney").

One JSON object per line: ``{"id", "schema", "properties": {name: [values]}}``. Persons
are ``Person`` (nationality as a lower-case ISO code), traders ``Company`` (their register
id as ``registrationNumber``), organisations ``Company``, agencies ``Organization``;
``OWNER_OF`` and ``SHAREHOLDER_OF`` become ``Ownership``, ``DIRECTOR_OF``
``Directorship``. Other kinds and relations are not part of what Aleph models this way
and are left out. Ids are derived from the entity's kind and reference, so two exports
name one person alike. Pure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

# An organisation a report names is a company (it trades, it can be owned); an agency is not.
SCHEMA_OF_KIND = {"Person": "Person", "Trader": "Company", "Organisation": "Company",
                  "Agency": "Organization"}  # fmt: skip
INTERESTS = {"OWNER_OF": ("Ownership", "owner", "asset", "owner"),
             "SHAREHOLDER_OF": ("Ownership", "owner", "asset", "shareholder"),
             "DIRECTOR_OF": ("Directorship", "director", "organization", "director")}  # fmt: skip


def ftm_id(*parts: str) -> str:
    return "cordon-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def entities(found: Sequence[Mapping[str, Any]], relations: Sequence[Mapping[str, Any]],
             *, publisher: str | None = None) -> list[dict[str, Any]]:
    """The FollowTheMoney entities of ``found`` (as graph/partners.py's content returns
    them) and of the ownership and directorship among them."""
    out: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for entity in found:
        schema = SCHEMA_OF_KIND.get(str(entity.get("kind")))
        if schema is None:
            continue
        ref = str(entity.get("ref") or entity["id"])
        ids[str(entity["id"])] = made = ftm_id(str(entity["kind"]), ref)
        properties: dict[str, list[str]] = {"name": [str(entity.get("name") or ref)]}
        if schema == "Person" and entity.get("nationality"):
            properties["nationality"] = [str(entity["nationality"]).lower()]
        if schema != "Person" and entity.get("country"):
            properties["country"] = [str(entity["country"]).lower()]
        if entity.get("kind") == "Trader":
            properties["registrationNumber"] = [ref]
        if publisher:
            properties["publisher"] = [publisher]
        out.append({"id": made, "schema": schema, "properties": properties})
    kinds = {str(e["id"]): e.get("kind") for e in found}
    for relation in relations:
        interest = INTERESTS.get(str(relation.get("type")))
        start, end = ids.get(str(relation["from"])), ids.get(str(relation["to"]))
        if interest is None or start is None or end is None:
            continue
        schema, holder, held, role = interest
        target = SCHEMA_OF_KIND.get(str(kinds.get(str(relation["to"]))))
        if target == "Person" or (schema == "Ownership" and target != "Company"):
            continue  # what is owned is a company; a person is owned by no one
        properties = {holder: [start], held: [end], "role": [role]}
        if relation.get("date"):
            properties["startDate"] = [str(relation["date"])[:10]]
        out.append({"id": ftm_id(schema, start, end, role), "schema": schema,
                    "properties": properties})
    return out


def lines(items: Sequence[Mapping[str, Any]]) -> bytes:
    """The entities as FollowTheMoney's line-based JSON (what ``ftm`` and Aleph read)."""
    return "".join(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"
                   for item in items).encode()
