"""Pages for members to find services, and for officers to keep them."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal.accounts.forms import ConfirmForm
from portal.accounts.models import Role
from portal.accounts.permissions import role_required, signed_in
from portal.accounts.services import list_users
from portal.common.fragments import render_fragment
from portal.directory import bp, hours, services, version
from portal.directory.forms import CategoryForm, SearchForm, ServiceForm
from portal.directory.help_now import help_now_box
from portal.directory.models import ServiceStatus

MAX_QUERY_LENGTH = 200


def _is_officer() -> bool:
    return current_user.has_role(Role.OFFICER)


@bp.get("/directory")
@signed_in
def index():
    known = version.current()  # read first, so that whatever is rendered below is at least this new
    form = SearchForm(request.args)
    form.category.choices = [(0, "All categories"), *_category_choices(known)]
    form.validate()
    open_now = bool(form.open_now.data)
    search = services.SearchRequest(
        query=(form.q.data or "")[:MAX_QUERY_LENGTH],
        category_id=form.category.data if not form.category.errors else None,
        open_now=open_now,
        include_inactive=_is_officer() and request.args.get("closed") == "1",
        page=request.args.get("page", 1, type=int),
        moment=hours.this_minute() if open_now else None,
    )
    today = date.today()
    # The form and results are the same for everyone who asks the same thing of the same directory on the same
    # day (and, for "open now", in the same minute), so each worker keeps them rendered.
    asked = (tuple(request.args.items(multi=True)), search.include_inactive, search.moment, today)
    body = version.kept(known, ("search", asked), lambda: _render_search(form, search, today))
    return render_template("directory/index.html", form=form, search=search, body=body, is_officer=_is_officer())


def _category_choices(known: str | None) -> list[tuple[int, str]]:
    return version.kept(known, "categories", lambda: [(c.id, c.name) for c in services.categories()])


def _render_search(form: SearchForm, search: services.SearchRequest, today: date) -> Markup:
    results = services.search_services(search)
    return render_fragment(
        "directory/_search.html", form=form, search=search, results=results, is_stale=services.is_stale, today=today
    )


@bp.get("/directory/services/<int:service_id>")
@signed_in
def show_service(service_id: int):
    service = services.get_service_or_404(service_id)
    if service.status == ServiceStatus.CLOSED and not _is_officer():
        abort(404)
    services.record_view(service)
    return render_template(
        "directory/service.html",
        service=service,
        is_stale=services.is_stale(service),
        weekly=hours.weekly_table(service.opening_hours),
        open_now=hours.is_open(service.opening_hours),
        is_officer=_is_officer(),
        confirm=ConfirmForm(),
    )


def _service_form(**kwargs) -> ServiceForm:
    officers = [(user.id, user.name) for user in list_users(role=Role.OFFICER) if user.active]
    categories = [(category.id, category.name) for category in services.categories()]
    return ServiceForm(category_choices=categories, owner_choices=officers, **kwargs)


def _save_service(form: ServiceForm, save):
    try:
        return save(form.to_input())
    except services.DirectoryError as error:
        field = form._fields.get(error.field, form.name)
        field.errors.append(str(error))
        return None


@bp.route("/directory/services/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_service():
    form = _service_form(data=None if request.method == "POST" else {"owner_id": current_user.id})
    if form.validate_on_submit():
        service = _save_service(form, lambda data: services.create_service(data, by=current_user))
        if service is not None:
            flash(f"{service.name} added to the directory")
            return redirect(url_for(".show_service", service_id=service.id))
    return render_template("directory/edit.html", form=form, service=None), 422 if form.errors else 200


@bp.route("/directory/services/<int:service_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_service(service_id: int):
    service = services.get_service_or_404(service_id)
    form = _service_form(data=ServiceForm.data_for(service) if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = _save_service(form, lambda data: services.update_service(service, data, by=current_user))
        if saved is not None:
            flash(f"{service.name} saved")
            return redirect(url_for(".show_service", service_id=service.id))
    return render_template("directory/edit.html", form=form, service=service), 422 if form.errors else 200


@bp.post("/directory/services/<int:service_id>/retire")
@role_required(Role.OFFICER)
def retire_service(service_id: int):
    service = services.get_service_or_404(service_id)
    if ConfirmForm().validate_on_submit():
        services.retire_service(service, by=current_user)
        flash(f"{service.name} has been retired: members no longer see it")
    return redirect(url_for(".show_service", service_id=service.id))


@bp.post("/directory/services/<int:service_id>/checked")
@role_required(Role.OFFICER)
def mark_checked(service_id: int):
    service = services.get_service_or_404(service_id)
    if ConfirmForm().validate_on_submit():
        services.mark_checked(service, by=current_user)
        flash(f"{service.name} marked as checked today")
    if request.form.get("return_to") == "due":
        return redirect(url_for(".due_a_check"))
    return redirect(url_for(".show_service", service_id=service.id))


@bp.get("/directory/due-a-check")
@role_required(Role.OFFICER)
def due_a_check():
    return render_template("directory/due_a_check.html", services_due=services.due_a_check(), confirm=ConfirmForm())


@bp.route("/directory/categories", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = services.create_category(form.name.data, form.description.data or "", by=current_user)
        except services.DirectoryError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Category {category.name} added")
            return redirect(url_for(".categories"))
    return render_template(
        "directory/categories.html", form=form, categories=services.categories()
    ), 422 if form.errors else 200


@bp.get("/help-now")
@signed_in
def help_now():
    return render_template("directory/help_now.html", help_now_box=help_now_box())
