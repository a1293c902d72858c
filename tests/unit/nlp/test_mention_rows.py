"""Mentions become rows without a model: resolution never loads spaCy (graph.mentions)."""

import subprocess
import sys

RESOLVE = """
import sys
from graph.mentions import mention_rows
from nlp import Mention

entities, rows = mention_rows("R-1", [
    Mention(0, 23, "ORG", "Baltic Star Trading Ltd", "Baltic Star Trading Ltd", 0.9),
    Mention(30, 57, "ORG", "BALTIC STAR TRADING LIMITED", "BALTIC STAR TRADING LIMITED", 0.8),
    Mention(None, None, "VEHICLE", "CA1234AB", "CA1234AB", 1.0, "person", field="vehicles",
            review="accepted"),
    Mention(60, 64, "DATE", "2025", "2025", 0.7),
], "ana@customs.example")
baltic = "organisation:baltic star trading"  # both spellings, one entity
assert [e["id"] for e in entities] == [baltic, "vehicle:CA1234AB"], entities
assert [r["entity_id"] for r in rows] == [baltic, baltic, "vehicle:CA1234AB"], rows
assert rows[2]["field"] == "vehicles" and rows[2]["review"] == "accepted"
assert "spacy" not in sys.modules, "resolution loaded spaCy"
"""


def test_resolving_mentions_loads_no_spacy():
    done = subprocess.run([sys.executable, "-c", RESOLVE], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
