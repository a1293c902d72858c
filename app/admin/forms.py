from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.accounts.roles import Role, UnitKind

ROLE_CHOICES = [SelectChoice(r.value, r.title) for r in Role]
KIND_CHOICES = [SelectChoice(k.value, k.title) for k in UnitKind]


def unit_choices(names: list[str], *, blank: bool = False) -> list[SelectChoice]:
    return [SelectChoice("", "—")] * blank + [SelectChoice(n, n) for n in names]


def parent_choices(units: list[dict], *, exclude: str | None = None) -> list[SelectChoice]:
    """Blank, then each unit with its kind, so the admin sees where a unit may go."""
    return [SelectChoice("", "— none (headquarters only)")] + [
        SelectChoice(u["name"], f"{u['name']} ({UnitKind(u['kind']).title.lower()})")
        for u in units
        if u["name"] != exclude
    ]


# Colleagues find an officer by name (case members, tasks, the audit log): never blank.
FULL_NAME = [DataRequired(), Length(max=120)]


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Full name"), validators=FULL_NAME)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    unit = SelectField(_l("Unit"), choices=[])
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("At least 12 characters."),
    )
    submit = SubmitField(_l("Create user"))


class UserEditForm(FlaskForm):
    name = StringField(_l("Full name"), validators=FULL_NAME)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    unit = SelectField(_l("Unit"), choices=[])
    active = BooleanField(_l("Account active"))
    submit = SubmitField(_l("Save"))


class UnitCreateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default="regional")
    parent = SelectField(_l("Part of"), choices=[])
    submit = SubmitField(_l("Create unit"))


class UnitEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    parent = SelectField(_l("Part of"), choices=[])
    submit = SubmitField(_l("Save"))
