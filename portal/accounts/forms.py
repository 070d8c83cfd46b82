"""Forms for signing in, setting passwords, inviting people and editing profiles."""

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from portal.accounts.models import Role
from portal.accounts.passwords import password_problem
from portal.common.forms import (
    BooleanField,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
    UkDateField,
    strip,
)

ROLE_CHOICES = [(role.value, role.label) for role in Role]
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"


def _email_field(missing: str = "Enter your email address") -> StringField:
    return StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(max=254),
            Email(message=EMAIL_MESSAGE, check_deliverability=False),
        ],
    )


class SignInForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RequestResetForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send me a reset link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Choose a password; `email` and `name` are set by the view so the policy can refuse them."""

    password = PasswordField(
        "New password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter a new password")]
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())

    def __init__(self, *args, email: str = "", name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email, self._name = email, name

    def validate_password(self, field):
        problem = password_problem(field.data or "", email=self._email, name=self._name)
        if problem:
            raise ValidationError(problem)


class RolesField(SelectMultipleField):
    def __init__(self, label="Roles", **kwargs):
        super().__init__(
            label,
            choices=ROLE_CHOICES,
            widget=GovCheckboxesInput(),
            validators=[DataRequired(message="Select at least one role")],
            **kwargs,
        )

    @property
    def roles(self) -> set[Role]:
        return {Role(value) for value in self.data or []}


class InviteForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the person's full name"), Length(max=200)],
    )
    email = _email_field(missing="Enter the person's email address")
    roles = RolesField()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RolesForm(FlaskForm):
    roles = RolesField()
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button with CSRF protection and nothing else (deactivate, resend, sign out)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ProfileForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter your full name"), Length(max=200)],
    )
    ward = StringField("Ward", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=120)])
    political_group = StringField(
        "Political group",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=120)],
        description="The group you sit with, or Independent",
    )
    date_elected = UkDateField("Date first elected", validators=[Optional()])
    wants_newsletters = BooleanField("Email me the members' newsletter", widget=GovCheckboxInput())
    wants_reminders = BooleanField("Email me reminders about training and surveys", widget=GovCheckboxInput())
    submit = SubmitField("Save profile", widget=GovSubmitInput())
