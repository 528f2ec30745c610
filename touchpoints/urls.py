from django.urls import path

from . import views

app_name = "touchpoints"
urlpatterns = [
    path("", views.log_moment, name="log"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("sealed/", views.send_sealed, name="send_sealed"),
    path("customer/", views.customer, name="customer"),
    path("mine/", views.my_moments, name="mine"),
    path("needs/", views.needs, name="needs"),
    path("needs/<int:need_id>/seen/", views.need_seen, name="need_seen"),
    path("needs/<int:need_id>/raised-seen/", views.raised_seen, name="raised_seen"),
    path("moments/<uuid:moment_uuid>/undo/", views.undo, name="undo"),
    path("moments/<uuid:moment_uuid>/correct/", views.correct, name="correct"),
]
