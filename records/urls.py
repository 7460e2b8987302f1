from django.urls import path

from . import letter_views, views

app_name = "records"

urlpatterns = [
    path("patients/", views.patient_pick, name="patient-pick"),
    path("patients/<int:pk>/export/", views.patient_export, name="patient-export"),
    path("clinic-export/", views.clinic_export_view, name="clinic-export"),
    path("import/", views.patient_import, name="patient-import"),
    path("import/confirm/", views.patient_import_confirm, name="patient-import-confirm"),
    path("integrations/", views.integration_list, name="integration-list"),
    path("integrations/<int:pk>/revoke/", views.integration_revoke, name="integration-revoke"),
    path("patients/<int:pk>/letters/", letter_views.letter_list, name="letter-list"),
    path("patients/<int:pk>/letters/new/", letter_views.letter_create, name="letter-create"),
    path("letters/<int:pk>/", letter_views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/sign/", letter_views.letter_sign, name="letter-sign"),
    path("letters/<int:pk>/preview/", letter_views.letter_preview, name="letter-preview"),
    path("letters/<int:pk>/send/", letter_views.letter_send, name="letter-send"),
    path("letters/<int:pk>/addenda/", letter_views.letter_addendum_create, name="letter-addendum-create"),
    path("letters/<int:pk>/entered-in-error/", letter_views.letter_entered_in_error, name="letter-entered-in-error"),
]
