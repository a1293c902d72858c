"""Domain errors raised at the repository edge, so callers never see driver exceptions."""


class GraphError(Exception):
    """Base class for errors that repositories raise."""


class DatabaseUnavailable(GraphError):
    """Neo4j cannot be reached (stopped, restarting or the network is down)."""


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
