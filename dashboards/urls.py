from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("journey/<int:type_id>/", views.journey_type, name="journey_type"),
    path("journey/<int:type_id>/moments/", views.journey_moments, name="journey_moments"),
    path("themes/<int:theme_id>/", views.theme_comments, name="theme_comments"),
    path("needs/", views.needs, name="needs"),
    path("needs/<int:need_id>/answer/", views.answer, name="answer"),
    path("needs/answer/", views.answer_ask, name="answer_ask"),
    path("needs/emails/", views.need_email_preference, name="need_emails"),
    path("export/figures.csv", views.export_figures, name="export_figures"),
    path("export/moments.csv", views.export_moments, name="export_moments"),
    path("export/figures.xlsx", views.export_figures_xlsx, name="export_figures_xlsx"),
    path("export/moments.xlsx", views.export_moments_xlsx, name="export_moments_xlsx"),
    path("export/jobs/<int:job_id>/", views.export_job, name="export_job"),
    path("export/jobs/<int:job_id>/file", views.export_job_file, name="export_job_file"),
    path("team/", views.team, name="team"),
    path("remedy-budgets/", views.remedy_budgets, name="remedy_budgets"),
]
