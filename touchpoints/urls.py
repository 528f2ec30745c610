from django.urls import path

from . import remedy_views, views

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
    path("remedies/", remedy_views.give, name="give_remedy"),
    path("moments/<uuid:moment_uuid>/remedy/", remedy_views.page, name="remedy"),
    path("remedies/<uuid:remedy_uuid>/correct/", remedy_views.correct, name="correct_remedy"),
]
