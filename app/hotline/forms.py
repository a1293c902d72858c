"""Hotline forms: the public tip, the tipster's follow-up, and the analyst's reply."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.hotline.service import MAX_TEXT

FILE_HINT = _l("Photos, PDF, text or office documents. We remove the hidden information "
               "from photos (location, camera) before keeping them.")
ACCEPT = ("image/jpeg,image/png,image/webp,application/pdf,text/plain,.docx,.xlsx,.pptx,"
          ".odt,.ods,.odp")


class TipForm(FlaskForm):
    what = StringField(
        _l("What happened?"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: cigarettes hidden in a lorry, undervalued invoices."),
    )
    where = StringField(_l("Where?"), validators=[Optional(), Length(max=300)])
    when = StringField(_l("When?"), validators=[Optional(), Length(max=200)])
    who = StringField(
        _l("Who is involved?"),
        validators=[Optional(), Length(max=500)],
        description=_l("Companies, people, vehicles, vessels, containers, phone numbers."),
    )
    details = TextAreaField(
        _l("Anything else we should know"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    contact = StringField(
        _l("How can we contact you? (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave this empty to stay anonymous; you can still read our replies "
                       "with your reference and code."),
    )
    files = MultipleFileField(_l("Documents or photos (optional)"), description=FILE_HINT,
                              render_kw={"accept": ACCEPT})
    submit = SubmitField(_l("Send tip"))


class FollowUpForm(FlaskForm):
    reference = StringField(
        _l("Tip reference"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example T-7KQ2-93XF."),
    )
    code = StringField(_l("Follow-up code"), validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Open my tip"))


class AddInformationForm(FlaskForm):
    """Carries reference and code again: the follow-up pages keep no login state."""

    reference = HiddenField(validators=[DataRequired(), Length(max=40)])
    code = HiddenField(validators=[DataRequired(), Length(max=80)])
    text = TextAreaField(_l("Add information"), validators=[Optional(), Length(max=MAX_TEXT)])
    files = MultipleFileField(_l("Documents or photos (optional)"), description=FILE_HINT,
                              render_kw={"accept": ACCEPT})
    submit = SubmitField(_l("Send"))


class ReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Reply to the tipster"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description=_l("The tipster reads this with their reference and code. Never name "
                       "sources, other reports or officers."),
    )
    submit = SubmitField(_l("Send reply"))
