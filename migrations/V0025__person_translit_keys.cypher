// The script-blind key of a person's name (nlp/translit.py): "محمد العتيبي" and "Mohammed
// Al-Otaibi" meet on it as possible duplicates. `flask db upgrade` fills it on persons
// written before it existed (graph/entities.py fill_translit_keys).
CREATE INDEX entity_translit IF NOT EXISTS FOR (e:Entity) ON (e.translit);
