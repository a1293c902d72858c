from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from graph.cases import CaseKind, CaseStatus, MemberRole
from graph.tasks import TaskPriority, TaskStatus

# Choice labels in the page's language (graph/ keeps the values, without Flask).
_TITLES = {
    "rfi": _l("Request for information"), "investigation": _l("Investigation"),
    "open": _l("Open"), "suspended": _l("Suspended"), "closed": _l("Closed"),
    "lead": _l("Lead"), "member": _l("Member"), "in_progress": _l("In progress"),
    "done": _l("Done"), "cancelled": _l("Cancelled"),
    "low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "urgent": _l("Urgent"),
}
KIND_CHOICES = [SelectChoice(k.value, _TITLES[k.value]) for k in CaseKind]
STATUS_CHOICES = [SelectChoice(s.value, _TITLES[s.value]) for s in CaseStatus]
MEMBER_ROLE_CHOICES = [SelectChoice(r.value, _TITLES[r.value]) for r in MemberRole]
PRIORITY_CHOICES = [SelectChoice(p.value, _TITLES[p.value]) for p in TaskPriority]
TASK_STATUS_CHOICES = [SelectChoice(s.value, _TITLES[s.value]) for s in TaskStatus]


class CaseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default="rfi")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    submit = SubmitField(_l("Open case"))


class CaseStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    submit = SubmitField(_l("Set status"))


class ConvertForm(FlaskForm):
    submit = SubmitField(_l("Make it an investigation"))


class MemberForm(FlaskForm):
    email = StringField(_l("Officer e-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role on the case"), choices=MEMBER_ROLE_CHOICES, default="member")
    submit = SubmitField(_l("Assign officer"))


class AttachForm(FlaskForm):
    target = StringField(_l("Id"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Attach"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField(_l("Add note"))


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=10_000)])
    due = DateField(_l("Due"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=PRIORITY_CHOICES, default="normal")
    assignee = SelectField(_l("Officer"), choices=[], validate_choice=False)
    unit = SelectField(_l("or unit"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign task"))


class TaskStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=TASK_STATUS_CHOICES)
    submit = SubmitField(_l("Update"))


class TaskAssignForm(FlaskForm):
    assignee = SelectField(_l("Officer"), choices=[], validate_choice=False)
    unit = SelectField(_l("or unit"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Reassign"))


class TaskDueForm(FlaskForm):
    due = DateField(_l("Due"), validators=[Optional()])
    submit = SubmitField(_l("Save due date"))
