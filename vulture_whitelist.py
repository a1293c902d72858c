"""Names vulture cannot see being used (`make lint`; options in pyproject.toml).

Each line is used by a framework, a template, a serialiser or by value; the comment says
which. Routes, CLI commands, request hooks, error handlers and spaCy factories are found
by their decorators (pyproject.toml ``ignore_decorators``), not listed here. Never list a
function here only because tests call it: that is the dead code the check is for.
"""

from flask import g, session
from PIL import Image as PIL_Image

import nlp
from app.accounts.models import User
from app.api.openapi import Answer
from app.assistance.forms import RequestForm
from app.auditlog.forms import AuditFilterForm
from app.background import start_worker
from app.cooperation.forms import PartnerForm
from app.extensions import login_manager
from app.intake.forms import EvaluateForm, ReportForm
from app.intake.service import Review
from app.navigation import NavItem
from app.sources.forms import IdentityForm, SourceForm
from app.sources.service import Payment, SourceType
from graph.backup import Manifest
from graph.cases import CaseStatus, MemberRole
from graph.entities import RelationType
from graph.errors import Conflict
from graph.exchange.records import EventType
from graph.grading import GradingScheme
from graph.riskstats import StatRow
from graph.tasks import TaskPriority, TaskStatus

# Python calls a module's __getattr__ for the names it lacks (spaCy loaded on demand).
nlp.__getattr__

# Flask-Login reads these.
User.is_active
login_manager.login_view
login_manager.login_message
login_manager.session_protection
# Flask sets a permanent session from this attribute (app/auth/routes.py _sign_in).
session.permanent

# WTForms: form options, inline validators (validate_<field>) and fields the templates render.
AuditFilterForm.Meta
PartnerForm.inbox_url
PartnerForm.outbound_token
PartnerForm.inbound_token
AuditFilterForm.validate_date_to
ReportForm.event_type
ReportForm.event_date
ReportForm.place
ReportForm.quantity
ReportForm.vehicles
EvaluateForm.evaluation
SourceForm.notes
IdentityForm.notes
RequestForm.legal_basis

# Read by templates (sources/_guidelines.html): the administration rule (graph/policy.py).
User.is_admin

# The 409 of the one error hierarchy (graph/errors.py), for services to raise.
Conflict

# Called by templates (intake/review pages) to show grade labels.
GradingScheme.source_label
GradingScheme.information_label

# Enum members: read by value from forms, the API and the graph, and by iteration.
EventType.SEIZURE
EventType.OFFENCE
EventType.SUSPICIOUS_EVENT
Review.PROPOSED
Review.ACCEPTED
Review.REJECTED
SourceType.LIAISON_OFFICER
CaseStatus.SUSPENDED
MemberRole.LEAD
MemberRole.MEMBER
RelationType.OPERATES
TaskStatus.DONE
TaskStatus.CANCELLED
Payment.PAYMENT  # contact log: chosen by value from the form or the API
Payment.REWARD
TaskPriority.LOW
TaskPriority.NORMAL
TaskPriority.HIGH
TaskPriority.URGENT

# Dataclass fields written out whole (the backup manifest's JSON; RiskStat rows).
Manifest.created_at
StatRow.n_seized

# Read by templates: base.html asks each menu item whether it stays on a phone's bar.
NavItem.pinned_for

# Set on flask.g for the sign-in page (read with g.get("session_expired")).
g.session_expired

# Called by gunicorn.conf.py (post_worker_init), which the check does not read.
start_worker

# Pillow reads this module-level setting (the decompression-bomb guard, app/evidence).
PIL_Image.MAX_IMAGE_PIXELS

# Read by Flask-Login when it flashes "Please sign in": the lazy message in the page's language.
login_manager.localize_callback

# The API's declared models (app/api/openapi.py): pydantic reads their fields and settings
# by name to validate requests and write the OpenAPI document.
Answer.model_config
Answer.acknowledged_by
Answer.approved_at
Answer.approved_by
Answer.assigned
Answer.betweenness
Answer.by_unit
Answer.can_manage
Answer.case_title
Answer.charts
Answer.consents
Answer.contribution
Answer.copies
Answer.counts_capped_at
Answer.declarations_total
Answer.duplicate
Answer.from_
Answer.may_consent
Answer.may_sanitise
Answer.metadata_removed
Answer.on_case
Answer.overdue
Answer.partner_subjects
Answer.relations_total
Answer.replied
Answer.reply_text
Answer.reports_total
Answer.reviewed
Answer.sanitised_from
Answer.sanitised_from_reference
Answer.tips
Answer.updated_at
Answer.uploaded_at
Answer.uploaded_by
