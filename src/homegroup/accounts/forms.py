from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from homegroup.accounts.models import STAFF_ROLES, Role, User


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Says nothing about which accounts exist; a new account works once its link is opened.
        "invalid_login": _(
            "Please enter a correct email address and password. Signed up just now? Open the "
            "link we emailed you first."
        ),
    }
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a strong one."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords are not the same."))
        return str(second)


class SignUpForm(NewPasswordMixin):
    display_name = forms.CharField(
        label=_("Name to show"),
        max_length=80,
        help_text=_("A first name or a nickname. Only you and people you share with see it."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Used to sign in and to reset your password. We never send your records."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    confirmed_adult = forms.BooleanField(
        label=_("I am 18 or older"),
        required=True,
        error_messages={
            "required": _("Homegroup is for adults: please confirm you are 18 or older.")
        },
    )
    field_order = ["display_name", "email", "password1", "password2", "confirmed_adult"]

    def clean(self) -> dict[str, Any]:
        # Check the password here too, so that every mistake shows at once, beside its field.
        cleaned = super().clean() or {}
        password = cleaned.get("password1")
        if password:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptInvitationForm(NewPasswordMixin):
    pass


class ActivateForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:
        # Also an account waiting for its sign-up link: the reset link proves the address.
        for user in User.objects.may_reset_password(email):
            if user.has_usable_password():
                yield user


class InvitationForm(forms.Form):
    display_name = forms.CharField(label=_("Name to show"), max_length=80)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role.value, role.label) for role in Role if role in STAFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
    )

    def role_set(self) -> set[Role]:
        return {Role(value) for value in self.cleaned_data["roles"]}


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name to show"), max_length=80)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("New email address"), max_length=254)


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return str(password)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}
        ),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class DisableSecondFactorForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Switch off two-step sign-in for my account"),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
