"""The roles of a customs intelligence unit and the kinds of organisational unit."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"  # intelligence officer: logs and evaluates reports
    LIAISON = "liaison"  # liaison officer at a border crossing point
    INVESTIGATOR = "investigator"
    AUDITOR = "auditor"  # post-clearance audit
    HANDLER = "handler"  # source handler
    COMMITTEE = "committee"  # risk management committee

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    Role.ADMIN: _l("Administrator"),
    Role.ANALYST: _l("Intelligence officer"),
    Role.LIAISON: _l("Liaison officer"),
    Role.INVESTIGATOR: _l("Investigator"),
    Role.AUDITOR: _l("Post-clearance auditor"),
    Role.HANDLER: _l("Source handler"),
    Role.COMMITTEE: _l("Risk management committee"),
}


class UnitKind(StrEnum):
    HQ = "hq"
    REGIONAL = "regional"
    BCP = "bcp"  # border crossing point

    @property
    def title(self) -> str:
        return {"hq": _l("Headquarters"), "regional": _l("Regional unit"),
                "bcp": _l("Border crossing point")}[self.value]
