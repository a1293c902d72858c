from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class WatchEntityForm(FlaskForm):
    entity_id = StringField(
        "Entity id",
        validators=[DataRequired(), Length(max=300)],
        description="For example trader:NL123456789 or phone:+31105550101.",
    )
    next = HiddenField()
    submit = SubmitField("Watch entity")


class WatchSearchForm(FlaskForm):
    query = StringField(
        "Search text",
        validators=[DataRequired(), Length(min=3, max=200)],
        description="A name, identifier or word; matched in new reports and in "
        "the names of the entities they touch.",
    )
    submit = SubmitField("Save search")


class PlainForm(FlaskForm):
    """A button-only form: CSRF and nothing else."""

    submit = SubmitField("OK")
