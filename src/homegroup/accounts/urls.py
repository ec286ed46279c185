from django.contrib.auth import views as auth_views
from django.urls import path

from homegroup.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("quick-exit/", views.quick_exit, name="quick-exit"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("sign-up/sent/", views.sign_up_sent, name="sign-up-sent"),
    path("activate/<str:token>/", views.activate, name="activate"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("account/", views.account, name="account"),
    path("account/email/", views.change_email, name="change-email"),
    path("account/password/", views.PasswordChangeView.as_view(), name="change-password"),
    path("confirm-password/", views.confirm_password, name="confirm-password"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two-factor-enrol"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<id:invitation_id>/withdraw/",
        views.withdraw_invitation,
        name="withdraw-invitation",
    ),
    path("invitations/accept/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
