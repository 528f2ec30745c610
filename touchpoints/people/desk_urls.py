from django.urls import path

from . import desk_views

app_name = "desk"
urlpatterns = [
    path("", desk_views.screen, name="screen"),
    path("<int:person_id>/", desk_views.pin, name="pin"),
    path("my-pin/", desk_views.my_pin, name="my_pin"),
]
