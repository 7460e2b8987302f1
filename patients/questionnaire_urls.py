from django.urls import path

from . import questionnaire_views

app_name = "questionnaire"

urlpatterns = [
    path("<str:token>/", questionnaire_views.questionnaire_start, name="start"),
    path("<str:token>/<slug:section>/", questionnaire_views.questionnaire_section, name="section"),
    path("<str:token>/<slug:section>/save/", questionnaire_views.questionnaire_autosave, name="autosave"),
]
