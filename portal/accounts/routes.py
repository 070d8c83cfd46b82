"""Sign-in, sign-out, invitations, password reset and the member's own profile."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.accounts import bp, services
from portal.accounts.forms import ConfirmForm, NewPasswordForm, ProfileForm, RequestResetForm, SignInForm
from portal.accounts.permissions import public, signed_in
from portal.accounts.tokens import Purpose, TokenProblem, user_for_token
from portal.extensions import limiter

SIGN_IN_FAILED = "Enter a correct email address and password"


def _safe_next(target: str | None) -> str:
    """Only a path on this site; anything else would let a link send people elsewhere after sign-in.

    Browsers read a backslash as a slash (so "/\\evil.example" means "//evil.example") and drop tabs and
    line breaks, so a target holding either is refused too.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.home")


def _sign_in_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN"]


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_RESET"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in, so a planted one is worth nothing
            login_user(user)
            services.record_sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(SIGN_IN_FAILED)
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/sign-out")
@signed_in
def sign_out():
    if ConfirmForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("You have signed out")
        return redirect(url_for("accounts.sign_in"))
    return redirect(url_for("main.home"))


def _token_page(token: str, purpose: Purpose, template: str, complete):
    result = user_for_token(token, purpose)
    if isinstance(result, TokenProblem):
        return render_template("accounts/link_problem.html", problem=result, purpose=purpose), 410
    form = NewPasswordForm(email=result.email, name=result.name)
    if form.validate_on_submit():
        complete(result, form.password.data)
        flash("Your password has been saved. Sign in with it now.")
        return redirect(url_for("accounts.sign_in"))
    return render_template(template, form=form, user=result), 422 if form.errors else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _token_page(token, Purpose.INVITATION, "accounts/accept_invitation.html", services.accept_invitation)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def request_reset():
    form = RequestResetForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("accounts/reset_requested.html", email=form.email.data)
    return render_template("accounts/request_reset.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _token_page(token, Purpose.RESET, "accounts/reset_password.html", services.complete_password_reset)


@bp.route("/profile", methods=["GET", "POST"])
@signed_in
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            services.ProfileChanges(
                name=form.name.data,
                ward=form.ward.data,
                political_group=form.political_group.data,
                date_elected=form.date_elected.data,
                wants_newsletters=form.wants_newsletters.data,
                wants_reminders=form.wants_reminders.data,
            ),
        )
        flash("Your profile has been saved")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form), 422 if form.errors else 200
