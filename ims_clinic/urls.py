from django.contrib import admin
from django.urls import include, path

from . import views

handler500 = "ims_clinic.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("patients/", include("patients.urls")),
    path("schedule/", include("scheduling.urls")),
    path("q/", include("patients.questionnaire_urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
]
