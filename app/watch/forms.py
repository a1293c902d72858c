from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class WatchEntityForm(FlaskForm):
    # What the officer types: a name, a register number, a phone… (an entity's id still
    # works); the page stores the id of the entity it names, as it always has.
    entity_id = StringField(
        _l("Entity"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("A trader's name or register number, a person, a phone number, a "
                       "container…: type a few letters and pick it from the list."),
        render_kw={"list": "watch-entities", "autocomplete": "off"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Watch entity"))


class WatchSearchForm(FlaskForm):
    query = StringField(
        _l("Search text"),
        validators=[DataRequired(), Length(min=3, max=200)],
        description=_l("A name, identifier or word; matched in new reports and in "
        "the names of the entities they touch."),
    )
    submit = SubmitField(_l("Save search"))


class PlainForm(FlaskForm):
    """A button-only form: CSRF and nothing else."""

    submit = SubmitField(_l("OK"))
