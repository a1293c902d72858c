"""What an officer calls each indicator of the risk engine, in the page's language.

The engine (risk/) names its indicators for machines (``network_exposure``,
``hs6_origin_history``, ``field:payment_type``, ``profile:P-12``) and writes each reason's
``detail`` as a ``graph.messages.Message`` (English that keeps its message id), which
``app.i18n.say`` reads in the page's language; every reason a person
reads names its indicator with ``indicator_label``: the risk pages through the
``reasons_list`` macro, the API beside the machine name (``label``). One table, so the
pages and the API cannot call an indicator two names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import say
from risk.features import CATEGORY, FIELD, ITEM_FIELD, MEASURE

# What each history of the engine is kept for (risk.features.HISTORY_DIMENSIONS).
SUBJECTS = {
    "importer": _l("Importer"), "declarant": _l("Declarant"), "exporter": _l("Exporter"),
    "hs2": _l("Chapter (HS2)"), "hs4": _l("Heading (HS4)"), "hs6": _l("Subheading (HS6)"),
    "origin": _l("Origin"), "hs6_origin": _l("Subheading × origin"),
    "office": _l("Customs office"), "importer_hs6": _l("Importer × subheading"),
    "declarant_importer": _l("Declarant × importer"),
}
LABELS = {
    "declared_fields_history": _l("Declared fields: control history"),
    "importer_revenue": _l("Importer: revenue found per control"),
    "hs6_origin_revenue": _l("Subheading × origin: revenue found per control"),
    "undervaluation": _l("Undervaluation"),
    "transit_origin": _l("Dispatched from another country than the origin"),
    "trader_age": _l("Importer's time on the register"),
    "importer_experience": _l("Importer's earlier declarations"),
    "intelligence": _l("Intelligence"),
    "network_exposure": _l("Network exposure"),
    "watchlist": _l("Watch list or open case"),
    "aeo": _l("Authorised Economic Operator"),
    "declared_value": _l("Declared value"),
    "item_count": _l("Number of items"),
    # the boosted model's measures (risk.features.MEASURE_NAMES)
    "tax_rate": _l("Tax rate"), "declared_mass": _l("Gross mass"),
    "declared_quantity": _l("Quantity"), "value_per_kg": _l("Value per kg"),
    "mass_per_unit": _l("Mass per unit"), "unit_value_z": _l("Unit value"),
    "tax_share": _l("Taxes declared"),
    # what the selection adds beside the model's indicators (risk.scoring, risk.selectivity)
    "random": _l("Random selection"),
    "unscorable": _l("Score could not be computed"),
    "other_indicators": _l("Other indicators together"),
    "history": _l("Control history"),
}


def indicator_label(name: str) -> str:
    """``network_exposure`` → "Network exposure", ``importer_history`` → "Importer: control
    history", ``profile:P-12`` → "Risk profile P-12", ``field:payment_type`` → "Declared
    field payment type"; a name the table does not know, in words."""
    if name in LABELS:
        return str(LABELS[name])
    subject, _sep, kind = name.rpartition("_")
    if subject in SUBJECTS and kind in ("history", "controls"):
        if kind == "history":
            return _("%(subject)s: control history", subject=SUBJECTS[subject])
        return _("%(subject)s: earlier controls", subject=SUBJECTS[subject])
    prefix, _sep, rest = name.partition(":")
    words = rest.replace("_", " ").strip()
    if prefix == "profile":
        return _("Risk profile %(profile)s", profile=rest)
    if f"{prefix}:" == FIELD:
        return _("Declared field %(field)s", field=words)
    if f"{prefix}:" == ITEM_FIELD:
        return _("Item field %(field)s", field=words)
    if f"{prefix}:" == MEASURE:
        return _("Declared measure %(measure)s", measure=words)
    if f"{prefix}:" == CATEGORY:
        return _("Declared %(field)s", field=words)
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def labelled(reasons: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Reasons as the API answers them: the machine name (``indicator``) and the
    ``contribution`` kept, its ``label`` beside it and its ``detail`` sentence in the
    caller's language, as the pages show them."""
    return [{**reason, "label": indicator_label(str(reason["indicator"])),
             "detail": say(reason.get("detail"))} for reason in reasons]
