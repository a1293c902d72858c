from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from graph.cases import CaseKind, CaseStatus, MemberRole
from graph.tasks import TaskPriority, TaskStatus

KIND_CHOICES = [SelectChoice(k.value, k.title) for k in CaseKind]
STATUS_CHOICES = [SelectChoice(s.value, s.value.capitalize()) for s in CaseStatus]
MEMBER_ROLE_CHOICES = [SelectChoice(r.value, r.value.capitalize()) for r in MemberRole]
PRIORITY_CHOICES = [SelectChoice(p.value, p.value.capitalize()) for p in TaskPriority]
TASK_STATUS_CHOICES = [SelectChoice(s.value, s.title) for s in TaskStatus]


class CaseForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=KIND_CHOICES, default="rfi")
    description = TextAreaField("Description", validators=[Optional(), Length(max=10_000)])
    submit = SubmitField("Open case")


class CaseStatusForm(FlaskForm):
    status = SelectField("Status", choices=STATUS_CHOICES)
    submit = SubmitField("Set status")


class ConvertForm(FlaskForm):
    submit = SubmitField("Make it an investigation")


class MemberForm(FlaskForm):
    email = StringField("Officer e-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role on the case", choices=MEMBER_ROLE_CHOICES, default="member")
    submit = SubmitField("Assign officer")


class AttachForm(FlaskForm):
    target = StringField("Id", validators=[DataRequired(), Length(max=300)])
    submit = SubmitField("Attach")


class NoteForm(FlaskForm):
    text = TextAreaField("Note", validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField("Add note")


class TaskForm(FlaskForm):
    title = StringField("Task", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Details", validators=[Optional(), Length(max=10_000)])
    due = DateField("Due", validators=[Optional()])
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default="normal")
    assignee = SelectField("Officer", choices=[], validate_choice=False)
    unit = SelectField("or unit", choices=[], validate_choice=False)
    submit = SubmitField("Assign task")


class TaskStatusForm(FlaskForm):
    status = SelectField("Status", choices=TASK_STATUS_CHOICES)
    submit = SubmitField("Update")


class TaskAssignForm(FlaskForm):
    assignee = SelectField("Officer", choices=[], validate_choice=False)
    unit = SelectField("or unit", choices=[], validate_choice=False)
    submit = SubmitField("Reassign")


class TaskDueForm(FlaskForm):
    due = DateField("Due", validators=[Optional()])
    submit = SubmitField("Save due date")
