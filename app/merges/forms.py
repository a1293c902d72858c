"""Merge and split forms (entity ids travel in hidden fields)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.merges.service import MAX_REASON


class MergeForm(FlaskForm):
    from_id = HiddenField(validators=[DataRequired(), Length(max=300)])
    into_id = HiddenField(validators=[DataRequired(), Length(max=300)])
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=MAX_REASON)],
        description=_l("Why these are the same: shared register number, address, phone…"),
    )
    submit = SubmitField(_l("Merge"))


class SplitForm(FlaskForm):
    entity_id = HiddenField(validators=[DataRequired(), Length(max=300)])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=MAX_REASON)])
    submit = SubmitField(_l("Split"))
