from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("start/<int:patient_pk>/", views.assessment_start, name="assessment-start"),
    path("<int:pk>/step/<slug:step>/", views.assessment_step, name="assessment-step"),
    path("<int:pk>/rows/<slug:kind>/", views.assessment_row_add, name="assessment-row-add"),
    path("<int:pk>/rows/<slug:kind>/<int:row_pk>/delete/", views.assessment_row_delete, name="assessment-row-delete"),
    path("<int:pk>/spine/toggle/", views.spine_toggle, name="spine-toggle"),
    path("<int:pk>/segments/", views.segment_decide, name="segment-decide"),
    path("<int:pk>/sign/", views.assessment_sign, name="assessment-sign"),
    path("<int:pk>/addenda/", views.addendum_create, name="addendum-create"),
    path("<int:pk>/entered-in-error/", views.assessment_entered_in_error, name="assessment-entered-in-error"),
    path("<int:pk>/print/", views.assessment_print, name="assessment-print"),
]
