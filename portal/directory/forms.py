"""Forms for finding and keeping directory entries."""

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.common.forms import (
    BooleanField,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    UkDateField,
    strip,
    web_address,
)
from portal.common.timeofday import parse_time_of_day
from portal.directory.hours import WEEKDAYS
from portal.directory.models import PhoneKind, Service, ServiceStatus
from portal.directory.services import (
    SIMPLE_FIELDS,
    ContactInput,
    HelpNowRole,
    PeriodInput,
    PhoneInput,
    ServiceInput,
)

# The ServiceInput fields this form fills one to one: the service layer's simple fields, bar the two the form
# treats specially (owner 0 means none; the help-now role "" means none), plus category and provider.
INPUT_FIELDS = (
    *(name for name in SIMPLE_FIELDS if name not in ("owner_id", "help_now_role")),
    "category_id",
    "provider_name",
)

TEXT_FIELDS = ("summary", "description", "provider_name", "opening_notes", "audience")


def format_hhmm(value) -> str:
    return value.strftime("%H:%M")


class ContactForm(Form):
    name = StringField("Name", widget=GovTextInput(), filters=[strip], validators=[Length(max=200)])
    role = StringField("Role", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=200)])

    def validate_name(self, field):
        if not field.data and self.role.data:
            raise ValidationError("Enter the contact's name, or clear their role")


class PhoneForm(Form):
    number = StringField("Number", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=40)])
    kind = SelectField(
        "Type", widget=GovSelect(), choices=[(k.value, k.label) for k in PhoneKind], default=PhoneKind.VOICE.value
    )
    description = StringField(
        "What it is for", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=200)]
    )

    def validate_number(self, field):
        if field.data and not all(ch.isdigit() or ch in " +()-" for ch in field.data):
            raise ValidationError("Enter a phone number using digits, spaces and +")


class DayHoursForm(Form):
    """One weekday's opening period; both boxes empty means closed that day."""

    weekday = HiddenField()
    # No Optional(): it would stop validation of an empty box before the check that the other box is empty too.
    opens = StringField("Opens", widget=GovTextInput(), filters=[strip], validators=[Length(max=10)])
    closes = StringField("Closes", widget=GovTextInput(), filters=[strip], validators=[Length(max=10)])

    def validate_opens(self, field):
        self._check_time(field, other=self.closes, missing="Enter when it opens, or leave both boxes empty")

    def validate_closes(self, field):
        self._check_time(field, other=self.opens, missing="Enter when it closes, or leave both boxes empty")

    @staticmethod
    def _check_time(field, other, missing: str):
        if not field.data:
            if other.data:
                raise ValidationError(missing)
            return
        try:
            field.parsed = parse_time_of_day(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class ServiceForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the service's name"), Length(max=200)],
    )
    summary = StringField(
        "Summary",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter a one-line summary"), Length(max=500)],
    )
    description = TextAreaField(
        "Description", widget=GovTextArea(), filters=[strip], validators=[Optional(), Length(max=10000)]
    )
    category_id = SelectField(
        "Category", widget=GovSelect(), coerce=int, validators=[InputRequired(message="Choose a category")]
    )
    provider_name = StringField(
        "Provided by", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    is_internal = BooleanField("Run by the council itself", widget=GovCheckboxInput())
    email = StringField(
        "Email",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=254),
            Email(message="Enter an email address like name@example.com", check_deliverability=False),
        ],
    )
    website = StringField(
        "Website",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=500),
            web_address,
            URL(message="Enter a full web address, like https://www.example.org"),
        ],
    )
    phones = FieldList(FormField(PhoneForm), min_entries=3, max_entries=6)
    contacts = FieldList(FormField(ContactForm), min_entries=2, max_entries=6)
    hours = FieldList(FormField(DayHoursForm), min_entries=7, max_entries=7)
    opening_notes = StringField(
        "Notes on opening hours", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=500)]
    )
    out_of_hours = BooleanField("Available out of hours", widget=GovCheckboxInput())
    audience = StringField(
        "Who it is for", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=500)]
    )
    shareable = BooleanField("May be shared with other directories outside the council", widget=GovCheckboxInput())
    status = SelectField("Status", widget=GovSelect(), choices=[(s.value, s.label) for s in ServiceStatus])
    help_now_role = SelectField("In the “Need help now?” box", widget=GovSelect(), choices=HelpNowRole.CHOICES)
    owner_id = SelectField(
        "Owner",
        widget=GovSelect(),
        coerce=int,
        validators=[InputRequired(message="Choose the officer who keeps this entry")],
    )
    last_checked_on = UkDateField("Last checked", validators=[Optional()])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, category_choices=(), owner_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [(0, "Choose a category"), *category_choices]
        self.owner_id.choices = [(0, "Choose an owner"), *owner_choices]
        for index, day in enumerate(self.hours):
            day.form.weekday.data = str(index)
            day.form.label_text = WEEKDAYS[index]

    def validate_category_id(self, field):
        if not field.data:
            raise ValidationError("Choose a category")

    def validate_owner_id(self, field):
        if not field.data:
            raise ValidationError("Choose the officer who keeps this entry")

    def to_input(self) -> ServiceInput:
        """What the officer entered, as the service layer takes it (blank rows dropped)."""
        data = {name: getattr(self, name).data for name in INPUT_FIELDS}
        data.update({name: data[name] or "" for name in TEXT_FIELDS})
        data.update(email=data["email"] or None, website=data["website"] or None)
        return ServiceInput(
            **data,
            owner_id=self.owner_id.data or None,
            help_now_role=self.help_now_role.data or None,
            contacts=[
                ContactInput(e.form.name.data, e.form.role.data or "") for e in self.contacts if e.form.name.data
            ],
            phones=[
                PhoneInput(e.form.number.data, e.form.kind.data, e.form.description.data or "")
                for e in self.phones
                if e.form.number.data
            ],
            periods=[
                PeriodInput(index, day.form.opens.parsed, day.form.closes.parsed)
                for index, day in enumerate(self.hours)
                if day.form.opens.data
            ],
        )

    @classmethod
    def data_for(cls, service: Service) -> dict:
        """Form data showing `service` as it stands, for the edit page."""
        by_day = {period.weekday: period for period in service.opening_hours}
        data = {name: getattr(service, name) for name in INPUT_FIELDS if name != "provider_name"}
        data.update(
            provider_name=service.provider.name if service.provider else "",
            owner_id=service.owner_id or 0,
            help_now_role=service.help_now_role or "",
            contacts=[{"name": c.name, "role": c.role} for c in service.contacts],
            phones=[{"number": p.number, "kind": p.kind, "description": p.description} for p in service.phones],
            hours=[
                {
                    "opens": format_hhmm(by_day[d].opens_at) if d in by_day else "",
                    "closes": format_hhmm(by_day[d].closes_at) if d in by_day else "",
                }
                for d in range(7)
            ],
        )
        return data


class SearchForm(FlaskForm):
    """The directory search (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Search the directory", widget=GovTextInput(), filters=[strip])
    category = SelectField("Category", widget=GovSelect(), coerce=int, validators=[Optional()])
    open_now = BooleanField("Open now", widget=GovCheckboxInput())
    submit = SubmitField("Search", widget=GovSubmitInput())


class CategoryForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the category's name"), Length(max=120)],
    )
    description = StringField(
        "Description", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=500)]
    )
    submit = SubmitField("Add category", widget=GovSubmitInput())
