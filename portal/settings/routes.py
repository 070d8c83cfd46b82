from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import public, role_required
from portal.settings import bp, services
from portal.settings.forms import SettingsForm

SETTINGS_FIELDS = (
    "council_name",
    "anonymity_threshold",
    "free_text_threshold",
    "survey_retention_months",
    "mail_from_name",
    "mail_reply_to",
    "support_email",
    "logo_alt_text",
    "newsletter_approval_required",
)


@bp.route("/admin/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_settings():
    settings = services.current_settings()
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        try:
            services.update_settings(
                services.SettingsChanges(**{name: getattr(form, name).data for name in SETTINGS_FIELDS}),
                by=current_user,
            )
            if form.logo.data:
                services.update_logo(form.logo.data.read(), form.logo.data.mimetype, by=current_user)
        except services.SettingsError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash("Settings saved")
            return redirect(url_for(".edit_settings"))
    return render_template("settings/edit.html", form=form, settings=settings), 422 if form.errors else 200


@bp.get("/branding/logo")
@public
def logo():
    settings = services.current_settings()
    if not settings.logo:
        abort(404)
    response = Response(settings.logo, mimetype=settings.logo_mimetype)
    # An uploaded SVG must never run script, even if opened on its own.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.cache_control.max_age = 300
    return response
