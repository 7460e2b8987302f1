from django.urls import path

from . import outcome_questionnaire_views as views

app_name = "outcome_questionnaire"

urlpatterns = [
    path("<str:token>/", views.outcome_start, name="start"),
    path("<str:token>/<slug:number>/", views.outcome_question, name="question"),
]
