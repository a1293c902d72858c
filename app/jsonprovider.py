"""The app's JSON in and out: bodies parsed by graph.safejson's limits, no NaN out.

Every ``request.get_json`` (API, hotline, pages that post JSON) goes through ``loads``;
a refused body raises ``JSONRefused``, which app.errors answers with 400 and the reason.
Every ``jsonify`` goes through ``dumps`` with ``allow_nan=False``: a NaN or Infinity is a
bug upstream and fails loudly instead of sending text that is not JSON.
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

from graph import safejson


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return safejson.loads(s)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs["allow_nan"] = False
        return super().dumps(obj, **kwargs)
