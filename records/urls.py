from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("patients/", views.patient_pick, name="patient-pick"),
    path("patients/<int:pk>/export/", views.patient_export, name="patient-export"),
    path("clinic-export/", views.clinic_export_view, name="clinic-export"),
    path("import/", views.patient_import, name="patient-import"),
    path("import/confirm/", views.patient_import_confirm, name="patient-import-confirm"),
    path("integrations/", views.integration_list, name="integration-list"),
    path("integrations/<int:pk>/revoke/", views.integration_revoke, name="integration-revoke"),
]
