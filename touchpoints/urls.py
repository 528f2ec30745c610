from django.urls import path

from . import views

app_name = "touchpoints"
urlpatterns = [
    path("", views.log_moment, name="log"),
]
