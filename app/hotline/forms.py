"""Hotline forms: the public tip, the tipster's follow-up, and the analyst's reply."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.hotline.service import MAX_TEXT

FILE_HINT = ("Photos, PDF, text or office documents. We remove the hidden information "
             "from photos (location, camera) before keeping them.")
ACCEPT = ("image/jpeg,image/png,image/webp,application/pdf,text/plain,.docx,.xlsx,.pptx,"
          ".odt,.ods,.odp")


class TipForm(FlaskForm):
    what = StringField(
        "What happened?",
        validators=[Optional(), Length(max=500)],
        description="For example: cigarettes hidden in a lorry, undervalued invoices.",
    )
    where = StringField("Where?", validators=[Optional(), Length(max=300)])
    when = StringField("When?", validators=[Optional(), Length(max=200)])
    who = StringField(
        "Who is involved?",
        validators=[Optional(), Length(max=500)],
        description="Companies, people, vehicles, vessels, containers, phone numbers.",
    )
    details = TextAreaField(
        "Anything else we should know", validators=[Optional(), Length(max=MAX_TEXT)]
    )
    contact = StringField(
        "How can we contact you? (optional)",
        validators=[Optional(), Length(max=200)],
        description="Leave this empty to stay anonymous; you can still read our replies "
        "with your reference and code.",
    )
    files = MultipleFileField("Documents or photos (optional)", description=FILE_HINT,
                              render_kw={"accept": ACCEPT})
    submit = SubmitField("Send tip")


class FollowUpForm(FlaskForm):
    reference = StringField(
        "Tip reference",
        validators=[DataRequired(), Length(max=40)],
        description="For example T-7KQ2-93XF.",
    )
    code = StringField("Follow-up code", validators=[DataRequired(), Length(max=80)])
    submit = SubmitField("Open my tip")


class AddInformationForm(FlaskForm):
    """Carries reference and code again: the follow-up pages keep no login state."""

    reference = HiddenField(validators=[DataRequired(), Length(max=40)])
    code = HiddenField(validators=[DataRequired(), Length(max=80)])
    text = TextAreaField("Add information", validators=[Optional(), Length(max=MAX_TEXT)])
    files = MultipleFileField("Documents or photos (optional)", description=FILE_HINT,
                              render_kw={"accept": ACCEPT})
    submit = SubmitField("Send")


class ReplyForm(FlaskForm):
    text = TextAreaField(
        "Reply to the tipster",
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description="The tipster reads this with their reference and code. Never name "
        "sources, other reports or officers.",
    )
    submit = SubmitField("Send reply")
