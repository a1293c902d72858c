"""Forms of the mutual assistance register (CSRF from Flask-WTF); the partner choices are
filled in by the routes, every rule is the service's."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.assistance.service import DIRECTION_TITLES, LEGAL_BASES


class RequestForm(FlaskForm):
    partner = SelectField(_l("Partner"), choices=[], validate_choice=False)
    direction = SelectField(_l("Direction"), choices=[
        SelectChoice(k, v) for k, v in DIRECTION_TITLES.items()], validate_choice=False)
    legal_basis = SelectField(_l("Legal basis"), choices=[
        SelectChoice(k, v) for k, v in LEGAL_BASES.items()], validate_choice=False)
    legal_text = StringField(_l("Legal basis in words"),
                             description=_l("Required for another basis: the agreement and "
                                            "its article."))
    subjects = TextAreaField(_l("Persons and traders"),
                             description=_l("One entity id a line, as the entity's page shows "
                                            "it (trader:BG123456789)."))
    declarations = TextAreaField(_l("Declarations"),
                                 description=_l("One declaration number a line."))
    questions = TextAreaField(_l("Questions"))
    deadline = StringField(_l("Deadline"), description=_l("YYYY-MM-DD"))
    case = StringField(_l("Case"), description=_l("Optional: the case id it serves."))
    submit = SubmitField(_l("Save request"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Reply"))
    submit = SubmitField(_l("Save reply"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Change status"))


class CaseForm(FlaskForm):
    case = StringField(_l("Case"))
    submit = SubmitField(_l("Link case"))
