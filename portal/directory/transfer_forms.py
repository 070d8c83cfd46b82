"""The form for importing directory entries from a CSV file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from portal.common.forms import GovSubmitInput, SubmitField


class ImportForm(FlaskForm):
    # Any file is accepted here: the import reads its content and says what is wrong with it, which is more
    # helpful than refusing a name that does not end in .csv.
    csv_file = FileField(
        "CSV file", widget=GovFileInput(), validators=[FileRequired(message="Choose a CSV file to import")]
    )
    submit = SubmitField("Check and import", widget=GovSubmitInput())
