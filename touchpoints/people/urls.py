from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetSentView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.ResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    path("sso/start/", views.SingleSignOnStart.as_view(), name="oidc_start"),
    path("sso/callback/", views.SingleSignOnCallback.as_view(), name="oidc_callback"),
]
