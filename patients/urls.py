from django.urls import path

from . import audit_views, message_views, views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="patient-list"),
    path("new/", views.patient_create, name="patient-create"),
    path("<int:pk>/", views.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", views.patient_update, name="patient-update"),
    path("<int:pk>/archive/", views.patient_archive, name="patient-archive"),
    path("<int:pk>/access-report/", audit_views.patient_access_report, name="patient-access-report"),
    path(
        "<int:pk>/access-report.csv",
        audit_views.patient_access_report_export,
        name="patient-access-report-export",
    ),
    path("<int:pk>/restore/", views.patient_restore, name="patient-restore"),
    path("<int:pk>/messages/", message_views.patient_messages, name="patient-messages"),
    path("<int:pk>/consents/new/", views.consent_create, name="consent-create"),
    path("<int:pk>/consents/<int:consent_pk>/", views.consent_detail, name="consent-detail"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("<int:pk>/consents/<int:consent_pk>/extend/", views.consent_extend, name="consent-extend"),
    path("<int:pk>/questionnaire/link/", views.questionnaire_link_create, name="questionnaire-link-create"),
    path(
        "<int:pk>/questionnaire/link/<int:link_pk>/revoke/",
        views.questionnaire_link_revoke,
        name="questionnaire-link-revoke",
    ),
    path("<int:pk>/questionnaire/<int:response_pk>/", views.questionnaire_review, name="questionnaire-review"),
    path(
        "<int:pk>/questionnaire/<int:response_pk>/flags/<int:flag_pk>/acknowledge/",
        views.safety_flag_acknowledge,
        name="safety-flag-acknowledge",
    ),
    path(
        "<int:pk>/questionnaire/<int:response_pk>/flags/<int:flag_pk>/map/",
        views.safety_flag_map,
        name="safety-flag-map",
    ),
    path(
        "<int:pk>/questionnaire/<int:response_pk>/flags/acknowledge-low/",
        views.safety_flags_acknowledge_low,
        name="safety-flags-acknowledge-low",
    ),
]
