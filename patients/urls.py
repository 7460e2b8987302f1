from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="patient-list"),
    path("new/", views.patient_create, name="patient-create"),
    path("<int:pk>/", views.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", views.patient_update, name="patient-update"),
    path("<int:pk>/archive/", views.patient_archive, name="patient-archive"),
    path("<int:pk>/restore/", views.patient_restore, name="patient-restore"),
    path("<int:pk>/consents/new/", views.consent_create, name="consent-create"),
    path("<int:pk>/consents/<int:consent_pk>/", views.consent_detail, name="consent-detail"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
]
