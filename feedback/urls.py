from django.urls import path, register_converter

from . import views
from .models import TOKEN_PATTERN


class TokenConverter:
    """Only a token as `new_token` makes them reaches the answer page and its lookup."""

    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "feedback"
urlpatterns = [
    path("r/<token:token>/", views.answer, name="answer"),
    # Anything else there is a cut-off or mistyped link: the same bare page, looked up nowhere.
    path("r/<str:malformed>/", views.link_not_found, name="link_not_found"),
    path("feedback/logo/<str:digest>/", views.logo, name="logo"),
    path("feedback/moments/<uuid:moment_uuid>/invitation/", views.invite, name="invite"),
    path(
        "feedback/moments/<uuid:moment_uuid>/handover/",
        views.handover_start,
        name="handover_start",
    ),
    path("feedback/handover/", views.handover, name="handover"),
    path("feedback/handover/exit/", views.handover_exit, name="handover_exit"),
    path("feedback/handover/back/", views.handback, name="handback"),
    path("feedback/team/", views.team_panel, name="team_panel"),
    path("feedback/recoveries/", views.queue, name="queue"),
    path("feedback/badges/", views.badges, name="badges"),
    path("feedback/recoveries/<int:recovery_id>/take/", views.recovery_take, name="take"),
    path("feedback/recoveries/<int:recovery_id>/close/", views.recovery_close, name="close"),
]
