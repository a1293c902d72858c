"""The one error hierarchy: domain errors raised by repositories and services, so callers
never see driver exceptions, and app/errors.py answers each alike as HTML or JSON.

``NotFound`` (404, ``Hidden`` too), ``Refused`` (400: a request a rule refuses, with its
form field and every reason), ``Forbidden`` (403: the caller's role or standing may not),
``Conflict`` (409: the record's state or a duplicate). A feature's own error (``SourceError``,
``CaseError``...) subclasses one of them, keeping its default field.
"""


class GraphError(Exception):
    """Base class for errors that repositories raise."""


class DatabaseUnavailable(GraphError):
    """Neo4j cannot be reached (stopped, restarting or the network is down)."""


class Refused(GraphError):
    """A request a rule refuses: ``str(exc)`` is the message people read, ``field`` the form
    field it is about (the API's ``field``), ``status`` the HTTP status, ``reasons`` every
    reason found (by default the message alone)."""

    status: int = 400
    field: str | None = None

    def __init__(self, message: str = "", field: str | None = None, status: int | None = None,
                 reasons: list[str] | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field
        if status is not None:
            self.status = status
        self.reasons = reasons or ([message] if message else [])


class Forbidden(Refused):
    """The caller's role (graph/policy.py) or standing may not do this: 403."""

    status = 403


class Conflict(Refused):
    """The record's state or an existing record refuses the change: 409."""

    status = 409


class Duplicate(GraphError):
    """A uniqueness constraint refused the write: the record exists already."""


class NotFound(GraphError):
    """The record does not exist, or the caller may not know that it does."""


class Hidden(NotFound):
    """The record exists but the caller may not see it. Callers answer exactly as for
    :class:`NotFound` (404); only the audit log tells the two apart (a refused read)."""


class Resubmitted(GraphError):
    """A submission stored before arrived again (a retry after a lost answer); nothing new
    was written. ``record_id`` is what the first one stored."""

    def __init__(self, record_id: str) -> None:
        super().__init__(record_id)
        self.record_id = record_id
