"""The form for importing training records from a CSV file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from portal.common.forms import GovSubmitInput, SubmitField


class ImportCompletionsForm(FlaskForm):
    file = FileField(
        "CSV file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose a CSV file to upload")],
        description="Up to 5,000 rows and 2 MB",
    )
    submit = SubmitField("Check and import", widget=GovSubmitInput())
