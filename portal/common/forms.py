"""Form pieces every feature uses: the GOV.UK widgets, stripped text and friendly validators."""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FileField
from wtforms.validators import ValidationError

__all__ = [
    "BooleanField",
    "DateField",
    "GovCheckboxInput",
    "GovCheckboxesInput",
    "GovDateInput",
    "GovPasswordInput",
    "GovSelect",
    "GovSubmitInput",
    "GovTextArea",
    "GovTextInput",
    "PasswordField",
    "SelectField",
    "SelectMultipleField",
    "StringField",
    "SubmitField",
    "TextAreaField",
    "UkDateField",
    "strip",
    "web_address",
]


def web_address(_form, field) -> None:
    """Validator: a link must be a full web address, so it works when someone follows it from anywhere."""
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError("Enter a web address starting with https:// or http://")


def strip(value: str | None) -> str | None:
    """Filter for text fields: surrounding white space is never what someone meant.

    Pair it with DataRequired, which checks the stripped value, not InputRequired, which checks the raw input
    and so would accept a name made of spaces.
    """
    return value.strip() if isinstance(value, str) else value


class UkDateField(DateField):
    """A GOV.UK date input (day, month, year boxes) with messages in plain words."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("widget", GovDateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not any(part.strip() for part in valuelist):
            self.data, self.raw_data = None, None  # the widget shows three empty boxes for None
            return
        if len(valuelist) != 3:
            self.data, self.raw_data = None, None
            raise ValueError(f"Enter {self.label.text.lower()} as a day, month and year")
        try:
            super().process_formdata([" ".join(part.strip() for part in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 28 11 2026") from None


def _form_data_by_kind(meta, form, formdata):
    """What Flask-WTF hands a form, but with uploads for file fields only, and a JSON body never read as a form.

    Flask-WTF gives every field the uploaded files as well as the typed values, and reads a JSON body as the form:
    a file or a JSON number posted under a text field's name reached code that expects text, and the page failed
    with a server error instead of saying what was wrong. Every form in the portal is posted as a form.
    """
    if formdata is not _Auto or not _is_submitted():
        return _flask_wtf_form_data(meta, form, formdata)
    if request.files:
        file_fields = {field.name for field in form if isinstance(field, FileField)}
        files = MultiDict([(name, upload) for name, upload in request.files.items(multi=True) if name in file_fields])
        return CombinedMultiDict((files, request.form))
    return request.form or None


# Set once for every form in the portal: each feature's forms module imports this one.
_flask_wtf_form_data = FlaskForm.Meta.wrap_formdata
FlaskForm.Meta.wrap_formdata = _form_data_by_kind
