from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("r/<str:token>/", views.answer, name="answer"),
    path("feedback/moments/<uuid:moment_uuid>/invitation/", views.invite, name="invite"),
]
