"""The read-only FHIR R4 API for integrators (a bearer token each; see records.views.fhir_api)."""

from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("", views.fhir_base, name="base"),
    path("Patient/<str:resource_id>/$everything", views.fhir_patient_everything, name="patient-everything"),
    path("<str:resource_type>/<str:resource_id>", views.fhir_read, name="resource-read"),
]
