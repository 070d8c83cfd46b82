from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from portal.accounts.forms import ConfirmForm
from portal.accounts.models import Role
from portal.accounts.permissions import role_required, signed_in
from portal.accounts.services import get_user_or_404
from portal.champions import bp, services
from portal.champions.forms import AppointForm, ProfileForm


@bp.get("/champions")
@signed_in
def index():
    return render_template(
        "champions/index.html",
        champions=services.champions(),
        confirm=ConfirmForm(),
        is_admin=current_user.has_role(Role.ADMIN),
    )


@bp.get("/champions/<int:profile_id>/photo")
@signed_in
def photo(profile_id: int):
    profile = services.get_profile_or_404(profile_id)
    if not profile.photo:
        abort(404)
    response = Response(profile.photo, mimetype=profile.photo_mimetype)
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response


def _details(form: ProfileForm) -> services.ProfileInput:
    return services.ProfileInput(
        title=form.title.data,
        remit=form.remit.data,
        how_to_contact=form.how_to_contact.data,
        when_to_contact=form.when_to_contact.data or "",
        photo_alt_text=form.photo_alt_text.data or "",
        position=form.position.data,
    )


def _save_photo(form: ProfileForm, profile) -> None:
    # Without a new upload the field holds the stored photo's bytes (the form was filled from the profile).
    upload = form.photo.data
    if isinstance(upload, FileStorage) and upload.filename:
        services.set_photo(profile, upload.read(), form.photo_alt_text.data, by=current_user)


def _show_error(form, error: services.ChampionError) -> None:
    field = form._fields.get(error.field, form.title)
    field.errors.append(str(error))


@bp.route("/champions/appoint", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def appoint():
    form = AppointForm()
    form.user_id.choices = [(0, "Choose a person")] + [(u.id, f"{u.name} ({u.email})") for u in services.candidates()]
    if form.validate_on_submit():
        try:
            profile = services.appoint(get_user_or_404(form.user_id.data), _details(form), by=current_user)
            _save_photo(form, profile)
        except services.ChampionError as error:
            _show_error(form, error)
        else:
            flash(f"{profile.user.name} is now a champion")
            return redirect(url_for(".index"))
    return render_template("champions/edit.html", form=form, profile=None), 422 if form.errors else 200


@bp.route("/champions/<int:profile_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.CHAMPION)
def edit(profile_id: int):
    profile = services.get_profile_or_404(profile_id)
    if not current_user.has_role(Role.ADMIN) and profile.user_id != current_user.id:
        abort(403)  # champions may edit only their own profile
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        try:
            services.update_profile(profile, _details(form), by=current_user)
            _save_photo(form, profile)
        except services.ChampionError as error:
            _show_error(form, error)
        else:
            flash("Profile saved")
            return redirect(url_for(".index"))
    return render_template("champions/edit.html", form=form, profile=profile), 422 if form.errors else 200


@bp.post("/champions/<int:profile_id>/remove")
@role_required(Role.ADMIN)
def remove(profile_id: int):
    profile = services.get_profile_or_404(profile_id)
    if ConfirmForm().validate_on_submit():
        name = profile.user.name
        services.remove(profile, by=current_user)
        flash(f"{name} is no longer a champion")
    return redirect(url_for(".index"))
