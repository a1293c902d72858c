"""Forms of the declaration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError


class DeclarationSearchForm(FlaskForm):
    """A GET search: no CSRF (it changes nothing), so a result list is a link to share."""

    class Meta:
        csrf = False

    q = StringField(_l("Declaration number"), validators=[Optional(), Length(max=64)])
    trader = StringField(_l("Trader (register id or name)"),
                         validators=[Optional(), Length(max=120)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Search"))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the range is before its start.")


class SelectForm(FlaskForm):
    submit = SubmitField(_l("Score and record the selection"))
