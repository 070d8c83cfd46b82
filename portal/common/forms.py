"""Form pieces every feature uses: the GOV.UK widgets, stripped text and friendly validators."""

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
