from django.conf import settings
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
    path("o/", include("assessments.outcome_questionnaire_urls")),
    path("a/", include("scheduling.link_urls")),
    path("assessments/", include("assessments.urls")),
    path("records/", include("records.urls")),
    path("fhir/", include("records.fhir_urls")),
    path("admin/", admin.site.urls),
    path("", include("assessments.aftercare_urls")),
]

if settings.CLINIC_BENCH_FLOOR:
    from bench.views import floor

    urlpatterns.append(path("bench/floor/", floor, name="bench-floor"))
