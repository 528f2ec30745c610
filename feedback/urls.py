from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("r/<str:token>/", views.answer, name="answer"),
    path("feedback/moments/<uuid:moment_uuid>/invitation/", views.invite, name="invite"),
    path(
        "feedback/moments/<uuid:moment_uuid>/handover/",
        views.handover_start,
        name="handover_start",
    ),
    path("feedback/handover/", views.handover, name="handover"),
    path("feedback/handover/exit/", views.handover_exit, name="handover_exit"),
    path("feedback/team/", views.team_panel, name="team_panel"),
    path("feedback/recoveries/<int:recovery_id>/take/", views.recovery_take, name="take"),
    path("feedback/recoveries/<int:recovery_id>/close/", views.recovery_close, name="close"),
]
