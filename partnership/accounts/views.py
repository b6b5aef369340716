"""Signing in and out, one's own account, and user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts import saved_filters, services
from partnership.accounts.forms import (
    NEW_PERSON,
    NO_PERSON,
    ChangePasswordForm,
    ConfirmForm,
    DeleteFilterForm,
    NewUserForm,
    SavedFilterForm,
    SetPasswordForm,
    SignInForm,
    UserForm,
)
from partnership.accounts.models import User
from partnership.audit.services import history_of, record_event
from partnership.editing import EditConflict, apply_edit, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import NotFound
from partnership.policy import Role
from partnership.web import query_id, run_service

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
SIGN_IN_LOCKED = (
    "Too many attempts to sign in to this account. Wait 5 minutes, then try again"
)


def safe_next(target: str | None) -> str | None:
    """Return target only if it is a path on this site (never another host)."""
    if not target or any(ord(c) < 32 or c in "\\\x7f" for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.email.data or "", form.password.data or "")
        if result.user is not None:
            session.clear()  # nothing from before sign-in survives it
            token = services.start_session(result.user, request.remote_addr)
            db.session.commit()
            session["sid"] = token
            login_user(result.user)
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        locked = result.outcome is services.SignInOutcome.LOCKED
        form.email.errors = [SIGN_IN_LOCKED if locked else SIGN_IN_FAILED]
        status = 429 if locked else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    """End the session on the server and in the browser."""
    if current_user.is_authenticated:
        services.end_session(session.get("sid"))
        record_event("sign-out", record_type="user_account", record_id=current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/session/extend", methods=["POST"])
@requires("edit", "own_account")
def extend_session() -> tuple[str, int]:
    """Keep the session alive (the idle-timeout warning's "Stay signed in" button).

    Loading the user for this request already reset the idle clock.
    """
    return "", 204


@bp.route("/account")
@requires("view", "own_account")
def account() -> str:
    """Show the signed-in user's own account."""
    return render_template("accounts/account.html", user=current_user)


@bp.route("/account/password", methods=["GET", "POST"])
@requires("edit", "own_account")
def change_password() -> str | Response:
    """Change one's own password (the current one is required)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        was_first_password = current_user.must_change_password
        with run_service(form, default="password") as step:
            services.change_password(
                current_user,
                form.current_password.data or "",
                form.password.data or "",
                keep_session=session.get("sid"),
            )
        if step.done:
            flash("Your password has been changed. Any other sessions have been signed out.",
                  "success")
            # Someone held here at first sign-in carries on to where they were going.
            return redirect(url_for("pages.home" if was_first_password else "accounts.account"))
    return render_template("accounts/change_password.html", form=form)


# --- saved filters ---------------------------------------------------------------------------


def _filtered_list(endpoint: str, query: str) -> str:
    base = url_for(endpoint) if endpoint in saved_filters.FILTERABLE else url_for(
        "accounts.filters")
    return f"{base}?{query}" if query else base


@bp.route("/account/filters")
@requires("view", "own_account")
def filters() -> str:
    """List the user's saved filters, each a link to its list."""
    return render_template("accounts/filters.html",
                           saved=saved_filters.every_saved_filter(current_user),
                           lists=saved_filters.FILTERABLE, delete_form=DeleteFilterForm())


@bp.route("/account/filters/save", methods=["POST"])
@requires("edit", "own_account")
def filter_save() -> str | Response:
    """Save the filters of a list under a name, then show the list with them."""
    form = SavedFilterForm()
    if form.validate_on_submit():
        with run_service(form, default="name") as step:
            saved = saved_filters.save_filter(current_user, form.endpoint.data or "",
                                              form.name.data or "", form.query.data or "")
        if step.done:
            flash(f"Filter saved: {saved.name}", "success")
            return redirect(_filtered_list(saved.endpoint, saved.query))
    return render_template("accounts/filter_save.html", form=form,
                           back=_filtered_list(form.endpoint.data or "",
                                               saved_filters.clean_query(form.query.data or "")))


@bp.route("/account/filters/<int:filter_id>/delete", methods=["POST"])
@requires("edit", "own_account")
def filter_delete(filter_id: int) -> Response:
    """Delete one of the user's own saved filters."""
    form = DeleteFilterForm()
    try:
        found = saved_filters.own_filter(current_user, filter_id)
    except NotFound:
        abort(404)
    if form.validate_on_submit():
        with run_service() as step:
            saved_filters.delete_filter(current_user, found.id)
        if step.done:
            flash(f"Filter deleted: {found.name}", "success")
    return redirect(safe_next(form.next.data) or url_for("accounts.filters"))


# --- user administration ------------------------------------------------------------------


@bp.route("/users")
@requires("view", "users")
def users() -> str:
    """List every account."""
    page = db.paginate(
        sa.select(User).order_by(User.disabled, User.name),
        per_page=current_app.config["PAGE_SIZE"],
        page=request.args.get("page", 1, type=query_id),
    )
    return render_template("accounts/users.html", page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("create", "users")
def user_new() -> str | Response:
    """Create an account."""
    form = NewUserForm()
    _offer_register(form, None)
    if form.validate_on_submit():
        with run_service(form, default="email") as step:
            user = services.create_user(
                form.email.data or "",
                form.name.data or "",
                Role(form.role.data),
                form.password.data or "",
                must_change_password=True,
            )
            services.place_account(user, set(form.partnerships.data or []), _person_link(form))
        if step.done:
            flash(f"Account created for {user.name}", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_new.html", form=form)


def _offer_register(form: UserForm, user: User | None) -> None:
    """Offer the register's partnerships, people and agencies in the account form."""
    register = services.directory()
    form.offer(register.partnership_choices(), register.person_choices(user),
               register.agency_choices())


def _person_link(form: UserForm) -> services.PersonLink:
    """Read who the account is in the register from the form."""
    chosen = form.person.data or NO_PERSON
    agency = form.agency.data or ""
    return services.PersonLink(
        person_id=int(chosen) if chosen.isdigit() else None,
        new_person=chosen == NEW_PERSON,
        job_title=form.job_title.data or "",
        agency_id=int(agency) if agency.isdigit() else None,
    )


def _user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    authorize("view", user)
    return user


@bp.route("/users/<int:user_id>")
@requires("view", "users")
def user_detail(user_id: int) -> str:
    """Show one account, its sessions and its history."""
    user = _user_or_404(user_id)
    return render_template(
        "accounts/user_detail.html",
        user=user,
        place=services.directory().place_of(user),
        live_sessions=services.live_session_count(user),
        history=history_of(user),
        confirm=ConfirmForm(),
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("edit", "users")
def user_edit(user_id: int) -> str | Response | tuple[str, int]:
    """Change an account's name, email or role, without overwriting someone else's edit."""
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    _offer_register(form, user)
    if request.method == "GET":
        place = services.directory().place_of(user)
        form.version.data = str(user.version)
        form.role.data = user.role.value
        form.partnerships.data = sorted(user.partnership_ids)
        form.person.data = str(place.person_id) if place.person_id else NO_PERSON
        form.agency.data = str(place.agency_id) if place.agency_id else ""
    if form.validate_on_submit():
        values = {
            "name": (form.name.data or "").strip(),
            "email": services.normalise_email(form.email.data or ""),
            "role": Role(form.role.data),
        }
        clash = services.user_by_email(values["email"])
        if clash is not None and clash.id != user.id:
            form.email.errors = ["An account with this email address already exists"]
        else:
            try:
                with run_service(form, default="partnerships", commit=False) as step:
                    apply_edit(user, form.version.data, values)
                    services.place_account(user, set(form.partnerships.data or []),
                                           _person_link(form))
                if step.done:
                    commit_edit(user, values)
                    flash("Account updated", "success")
                    return redirect(url_for("accounts.user_detail", user_id=user.id))
            except EditConflict as conflict:
                return render_conflict(
                    conflict,
                    form,
                    title=f"{conflict.obj.name} was changed while you were editing",
                    cancel_url=url_for("accounts.user_detail", user_id=user.id),
                )
    return render_template("accounts/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@requires("edit", "users")
def user_disable(user_id: int) -> Response:
    """Disable an account and end its sessions."""
    return _set_disabled(user_id, True)


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@requires("edit", "users")
def user_enable(user_id: int) -> Response:
    """Re-enable a disabled account."""
    return _set_disabled(user_id, False)


def _set_disabled(user_id: int, disabled: bool) -> Response:
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id and disabled:
            flash("You cannot disable your own account", "error")
        else:
            services.set_disabled(user, disabled)
            db.session.commit()
            flash(f"{user.name}'s account is {'disabled' if disabled else 'enabled'}", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires("edit", "users")
def user_password(user_id: int) -> str | Response:
    """Set a new first password for someone who has forgotten theirs."""
    user = _user_or_404(user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        with run_service(form, default="password") as step:
            services.set_password(user, form.password.data or "")
        if step.done:
            flash(f"New password set. {user.name} must change it when they next sign in.",
                  "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_password.html", form=form, user=user)


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@requires("edit", "users")
def user_end_sessions(user_id: int) -> Response:
    """Sign a user out everywhere."""
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        ended = services.end_sessions(user, reason="ended-by-admin")
        record_event("session-ended", record_type="user_account", record_id=user.id,
                     changes={"sessions": ended}, commit=False)
        db.session.commit()
        flash(f"Signed {user.name} out of {ended} session(s)", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.before_app_request
def force_password_change() -> Response | None:
    """Hold a user with a temporary password on the change-password page."""
    allowed = {"accounts.change_password", "accounts.sign_out", "static", "pages.accessibility",
               "pages.healthz", "pages.assets"}
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in allowed
    ):
        flash("Choose a new password before you continue", "info")
        return redirect(url_for("accounts.change_password"))
    return None
