"""The roles of a customs intelligence unit and the kinds of organisational unit."""

from enum import StrEnum


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
    Role.ADMIN: "Administrator",
    Role.ANALYST: "Intelligence officer",
    Role.LIAISON: "Liaison officer",
    Role.INVESTIGATOR: "Investigator",
    Role.AUDITOR: "Post-clearance auditor",
    Role.HANDLER: "Source handler",
    Role.COMMITTEE: "Risk management committee",
}


class UnitKind(StrEnum):
    HQ = "hq"
    REGIONAL = "regional"
    BCP = "bcp"  # border crossing point

    @property
    def title(self) -> str:
        return {"hq": "Headquarters", "regional": "Regional unit", "bcp": "Border crossing point"}[
            self.value
        ]
