"""The pages that get a person in: sign-in, forgotten password, welcome, single sign-on."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc import views as oidc_views

from .forms import ResetRequestForm, WelcomeForm
from .links import LinkProblem, reset_tokens, welcome_tokens
from .single_sign_on import NOT_VERIFIED, ProviderDown, SignInRefused, endpoints
from .welcome import site_url


def sign_in_options(request) -> dict:
    """What /login/ offers: the password form, and the airline's sign-in when set up."""
    return {
        "password_sign_in": settings.PASSWORD_SIGN_IN,
        "single_sign_on": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else "",
    }


class SignInView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **sign_in_options(self.request)}

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is off.")
        return super().post(request, *args, **kwargs)


class PasswordsOn:
    """Reset pages exist only while password sign-in does."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is off.")
        return super().dispatch(request, *args, **kwargs)


class ResetRequestView(PasswordsOn, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    token_generator = reset_tokens
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")

    def form_valid(self, form):
        # Links on PUBLIC_BASE_URL when set, as welcome links are, not on whatever host the
        # request named (ALLOWED_HOSTS limits that too).
        self.extra_email_context = {"base_url": site_url(self.request)}
        return super().form_valid(form)


class ResetSentView(PasswordsOn, auth_views.PasswordResetDoneView):
    pass


class LinkProblemMixin:
    """A dead link's page says why: used, expired or not a link of ours."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            token = self.kwargs["token"]
            if token == self.reset_url_token:
                # The form's own address, without the link's token in the session: the
                # form was sent already (the back button), so the link is spent.
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            problem = self.token_generator.problem(self.user, token)
            if token is None and self.user is not None:
                problem = LinkProblem.USED
            context["problem"] = problem
            context["timeout_hours"] = round(self.token_generator.timeout / 3600)
        return context


class ResetConfirmView(PasswordsOn, LinkProblemMixin, auth_views.PasswordResetConfirmView):
    token_generator = reset_tokens
    success_url = reverse_lazy("people:password_reset_complete")


class ResetCompleteView(PasswordsOn, auth_views.PasswordResetCompleteView):
    pass


class WelcomeView(LinkProblemMixin, auth_views.PasswordResetConfirmView):
    """A new person's one-time page: password, and desk PIN for the front line. Signed in
    straight after, to the screen of their role."""

    token_generator = welcome_tokens
    form_class = WelcomeForm
    template_name = "registration/welcome.html"
    title = _("Welcome to Moments")
    post_reset_login = True
    post_reset_login_backend = "touchpoints.people.sign_in.PersonBackend"
    success_url = reverse_lazy("home")


def _unavailable(request):
    context = {"provider": settings.OIDC_PROVIDER_NAME, **sign_in_options(request)}
    return render(request, "registration/sign_in_unavailable.html", context, status=503)


def _refused(request, reason: str):
    context = {"reason": reason, **sign_in_options(request)}
    return render(request, "registration/sign_in_refused.html", context, status=403)


class SingleSignOnStart(oidc_views.OIDCAuthenticationRequestView):
    """Sends the person to the provider's sign-in page."""

    def __init__(self, **kwargs):
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints().authorization
        except ProviderDown:
            return _unavailable(request)
        return super().get(request)


class SingleSignOnCallback(oidc_views.OIDCAuthenticationCallbackView):
    """Where the provider sends the person back; a refusal or an outage gets its own page."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up.")
        try:
            return super().get(request)
        except ProviderDown:
            return _unavailable(request)
        except SignInRefused as refused:
            return _refused(request, refused.reason)
        except SuspiciousOperation:
            return _refused(request, NOT_VERIFIED)
