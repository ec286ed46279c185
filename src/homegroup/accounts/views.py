"""Pages for signing in and out, signing up, passwords, the account and staff invitations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homegroup.accounts import actions, second_factor, sessions, throttle
from homegroup.accounts.forms import (
    AcceptInvitationForm,
    ActivateForm,
    ConfirmPasswordForm,
    DisableSecondFactorForm,
    EmailForm,
    EnrolmentCodeForm,
    InvitationForm,
    PasswordResetForm,
    ProfileForm,
    SecondFactorForm,
    SignInForm,
    SignUpForm,
)
from homegroup.accounts.models import Invitation, Role
from homegroup.accounts.permissions import reauth_required, role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.forms import attach_errors, form_status

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
REAUTH_FAILURE_LIMIT = 5
SECOND_FACTOR_FAILURE_LIMIT = 5


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        # A backend may send a refused sign-in to a page of its own: the journal's "keep my
        # account" page, for a right password on an account awaiting deletion.
        elsewhere = getattr(self.request, "homegroup_sign_in_elsewhere", None)
        if elsewhere:
            return redirect(elsewhere)
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # on a shared phone, nothing of the session stays in the browser.
        response["Clear-Site-Data"] = '"cache", "storage"'
        messages.info(request, _("You are signed out."))
        return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def quick_exit(request: HttpRequest) -> HttpResponse:
    """The quick-exit button: end the session at once, no confirmation, and leave for the neutral
    site. A plain link (GET) so it works without JavaScript; signing someone out is the only thing
    a forged request could do here, which is what the button is for. `Back` then finds nothing:
    the session is gone, pages of a signed-in person are `no-store` (privacy.middleware), and the
    browser is told to drop its cache and storage."""
    if request.user.is_authenticated:
        request.homegroup_sign_out_reason = "quick_exit"  # type: ignore[attr-defined]
        logout(request)
    response = redirect(settings.HOMEGROUP_QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "storage"'
    response["Cache-Control"] = "no-store"
    return response


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@require_http_methods(["GET", "POST"])
def sign_up(request: AuthenticatedRequest) -> HttpResponse:
    """Always "check your email" for a well-formed request, whoever owns the address."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wait = throttle.attempt(
            throttle.per_address(throttle.SIGN_UP_PER_ADDRESS, form.cleaned_data["email"]),
            throttle.per_client(throttle.SIGN_UP_PER_CLIENT, request),
        )
        if wait is not None:
            return throttle.too_many(request, wait)
        try:
            actions.sign_up(
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                confirmed_adult=form.cleaned_data["confirmed_adult"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("accounts:sign-up-sent")
    return render(
        request, "accounts/sign_up.html", {"form": form}, status=form_status(request, form)
    )


@require_GET
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/sign_up_sent.html", {"days": settings.HOMEGROUP_ACTIVATION_DAYS}
    )


@require_http_methods(["GET", "POST"])
def activate(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """The link from the sign-up email: the password chosen at sign-up starts the account (the
    link alone would let whoever typed someone else's address claim what they later write)."""
    if actions.account_awaiting_link(token) is None:
        return render(request, "accounts/activation_invalid.html", status=404)
    form = ActivateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.activate_account(token=token, password=form.cleaned_data["password"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome to Homegroup. Your account is ready."))
            if user.is_person_in_recovery:
                return redirect("journal:setup")  # the first-run setup, three skippable steps
            return redirect("home")
    return render(
        request, "accounts/activate.html", {"form": form}, status=form_status(request, form)
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        wait = throttle.attempt(
            throttle.per_address(throttle.PASSWORD_RESET_PER_ADDRESS, email),
            throttle.per_client(throttle.PASSWORD_RESET_PER_CLIENT, self.request),
        )
        if wait is not None:
            return throttle.too_many(self.request, wait)
        users = list(form.get_users(email))
        actions.note_password_reset_requested(user_ids=[user.pk for user in users])
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            actions.set_password(
                user=form.user, password=form.cleaned_data["new_password1"], reason="reset"
            )
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": user.display_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(user=user, display_name=form.cleaned_data["display_name"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "roles": sorted(str(role.label) for role in user.roles),
            "second_factor_on": actions.confirmed_totp_device(user) is not None,
            "recovery_codes_left": actions.recovery_codes_left(user),
        },
        status=form_status(request, form),
    )


@reauth_required
@require_http_methods(["GET", "POST"])
def change_email(request: AuthenticatedRequest) -> HttpResponse:
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_email(user=request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your email address is changed."))
            return redirect("accounts:account")
    return render(
        request, "accounts/change_email.html", {"form": form}, status=form_status(request, form)
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Asks for the current password, which is the re-authentication A-05 wants."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            actions.set_password(
                user=form.user, password=form.cleaned_data["new_password1"], reason="change"
            )
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        sessions.mark_reauthenticated(self.request)
        messages.success(self.request, _("Your password is changed."))
        return redirect(self.get_success_url())


@login_required
@require_http_methods(["GET", "POST"])
def confirm_password(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None, user=user)
    next_url = _safe_next(request, reverse("accounts:account"))
    if request.method == "POST":
        if form.is_valid():
            sessions.mark_reauthenticated(request)
            request.session.pop("hg_reauth_failures", None)
            actions.note_reauthenticated(user=user, outcome=Outcome.SUCCESS)
            return redirect(next_url)
        actions.note_reauthenticated(user=user, outcome=Outcome.FAILURE)
        failures = request.session.get("hg_reauth_failures", 0) + 1
        request.session["hg_reauth_failures"] = failures
        if failures >= REAUTH_FAILURE_LIMIT:
            # Someone else may be holding the phone: end the session rather than keep guessing.
            request.homegroup_sign_out_reason = "reauth_failed"  # type: ignore[attr-defined]
            logout(request)
            messages.info(request, _("For your safety you were signed out. Please sign in again."))
            return redirect("accounts:sign-in")
    return render(
        request,
        "accounts/confirm_password.html",
        {"form": form, "next": next_url},
        status=form_status(request, form),
    )


@role_required(Role.PROGRAM_ADMIN)
@require_http_methods(["GET", "POST"])
def invitations(request: AuthenticatedRequest) -> HttpResponse:
    admin = request.user
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.invite_staff(
                invited_by=admin,
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                roles=form.role_set(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # The link goes to the invited address only: opening it proves the mailbox, so the
            # admin never holds it (and the page reads the same for any address).
            link = request.build_absolute_uri(
                reverse("accounts:accept-invitation", args=[issued.token])
            )
            actions.send_invitation_email(invitation=issued.invitation, link=link)
            messages.success(
                request,
                _("The invitation is on its way to %(email)s.")
                % {"email": issued.invitation.email},
            )
            return redirect("accounts:invitations")
    sent = Invitation.objects.sent_by(admin).select_related("accepted_user")
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "invitations": sent, "now": timezone.now()},
        status=form_status(request, form),
    )


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def withdraw_invitation(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    admin = request.user
    invitation = audit.get_or_refuse(
        Invitation.objects.sent_by(admin), invitation_id, actor_id=admin.pk
    )
    try:
        actions.withdraw_invitation(invitation=invitation, by=admin)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation is withdrawn; its link no longer works."))
    return redirect("accounts:invitations")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: AuthenticatedRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.find(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation(token=token, password=form.cleaned_data["password1"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome to Homegroup. Your staff account is ready."))
            return redirect("home")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation},
        status=form_status(request, form),
    )


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this instead of the sign-in view while an account is locked (A-03)."""
    return render(request, "accounts/locked_out.html", status=429)


# --- Second factor (H-08) -----------------------------------------------------------------------


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _verified(request: HttpRequest, device: Any) -> None:
    # A new session key once the second factor is in: a key seen before it is worth nothing.
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop("hg_2fa_failures", None)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    """Enter the code from the app (or a recovery code) to finish signing in."""
    user = request.user
    next_url = _safe_next(request, reverse("home"))
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    if actions.confirmed_totp_device(user) is None:
        return redirect(_with_next("accounts:two-factor-enrol", next_url))
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = actions.verify_second_factor(user=user, code=form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            if not second_factor.looks_like_totp(form.cleaned_data["code"]):
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(left)s are left. You can make new ones on "
                        "your account page."
                    )
                    % {"left": actions.recovery_codes_left(user)},
                )
            return redirect(next_url)
        form.add_error("code", _("That code did not work. Try the newest code from your app."))
        failures = request.session.get("hg_2fa_failures", 0) + 1
        request.session["hg_2fa_failures"] = failures
        if failures >= SECOND_FACTOR_FAILURE_LIMIT:
            request.homegroup_sign_out_reason = "2fa_failed"  # type: ignore[attr-defined]
            logout(request)
            messages.info(request, _("For your safety you were signed out. Please sign in again."))
            return redirect("accounts:sign-in")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=form_status(request, form),
    )


@reauth_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Connect an authenticator app: staff on their first sign-in, anyone else by choice."""
    user = request.user
    next_url = _safe_next(
        request, reverse("home") if user.holds_staff_role else reverse("accounts:account")
    )
    if actions.confirmed_totp_device(user) is not None:
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect(_with_next("accounts:two-factor", next_url))
        messages.info(request, _("Two-step sign-in is already on."))
        return redirect("accounts:account")
    device = actions.start_totp_enrolment(user=user)
    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = actions.confirm_totp_enrolment(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            _verified(request, enrolment.device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": enrolment.recovery_codes, "next": next_url, "first_time": True},
            )
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "secret": second_factor.grouped(second_factor.base32_secret(device)),
            "qr": second_factor.qr_data_uri(device),
            "required": user.holds_staff_role,
        },
        status=form_status(request, form),
    )


@reauth_required
@require_POST
def two_factor_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """New recovery codes; the old ones stop working."""
    user = request.user
    try:
        codes = actions.replace_recovery_codes(user=user)
    except ValidationError:
        return redirect("accounts:two-factor-enrol")
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": reverse("accounts:account"), "first_time": False},
    )


@reauth_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: AuthenticatedRequest) -> HttpResponse:
    """People in recovery may switch it off (after confirming their password, A-05); staff not."""
    user = request.user
    if user.holds_staff_role:
        raise PermissionDenied
    if actions.confirmed_totp_device(user) is None:
        return redirect("accounts:account")
    form = DisableSecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.disable_second_factor(user=user)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/two_factor_disable.html",
        {"form": form},
        status=form_status(request, form),
    )
