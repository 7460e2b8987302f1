from django.urls import path

from . import adverse_event_views, after_effect_views, session_views, views, visit_views

app_name = "assessments"

urlpatterns = [
    path("start/<int:patient_pk>/", views.assessment_start, name="assessment-start"),
    path("<int:pk>/step/<slug:step>/", views.assessment_step, name="assessment-step"),
    path("<int:pk>/rows/<slug:kind>/", views.assessment_row_add, name="assessment-row-add"),
    path("<int:pk>/rows/<slug:kind>/<int:row_pk>/delete/", views.assessment_row_delete, name="assessment-row-delete"),
    path("<int:pk>/baseline/", views.baseline_create, name="baseline-create"),
    path("<int:pk>/spine/toggle/", views.spine_toggle, name="spine-toggle"),
    path("<int:pk>/spine/range/", views.spine_range, name="spine-range"),
    path("<int:pk>/segments/", views.segment_decide, name="segment-decide"),
    path("<int:pk>/plan/", views.needling_plan_save, name="needling-plan-save"),
    path("<int:pk>/sign/", views.assessment_sign, name="assessment-sign"),
    path("<int:pk>/addenda/", views.addendum_create, name="addendum-create"),
    path("<int:pk>/entered-in-error/", views.assessment_entered_in_error, name="assessment-entered-in-error"),
    path("<int:pk>/print/", views.assessment_print, name="assessment-print"),
]

urlpatterns += [
    path("sessions/start/<int:patient_pk>/", session_views.session_start, name="session-start"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/recheck/", session_views.session_recheck, name="session-recheck"),
    path("sessions/<int:pk>/header/", session_views.session_header_save, name="session-header"),
    path("sessions/<int:pk>/close/", session_views.session_close_save, name="session-close"),
    path("sessions/<int:pk>/sites/", session_views.needled_site_create, name="needled-site-create"),
    path(
        "sessions/<int:pk>/sites/<int:site_pk>/delete/", session_views.needled_site_delete, name="needled-site-delete"
    ),
    path("sessions/<int:pk>/consent/extend/", session_views.session_consent_extend, name="session-consent-extend"),
    path("sessions/<int:pk>/adverse-events/", session_views.adverse_event_create, name="adverse-event-create"),
    path("sessions/<int:pk>/outcomes/", session_views.outcome_create, name="outcome-create"),
    path("sessions/<int:pk>/sign/", session_views.session_sign, name="session-sign"),
    path("sessions/<int:pk>/addenda/", session_views.session_addendum_create, name="session-addendum-create"),
    path("progress/<int:patient_pk>/", session_views.progress, name="progress"),
    path("adverse-events/report/", session_views.adverse_event_report, name="adverse-event-report"),
]

urlpatterns += [
    path("adverse-events/", adverse_event_views.adverse_event_list, name="adverse-event-list"),
    path("adverse-events/export/", adverse_event_views.adverse_event_export, name="adverse-event-export"),
    path(
        "start/<int:patient_pk>/earlier-draft/", visit_views.assessment_earlier_draft, name="assessment-earlier-draft"
    ),
    path(
        "sessions/start/<int:patient_pk>/earlier-draft/",
        visit_views.session_earlier_draft,
        name="session-earlier-draft",
    ),
]

urlpatterns += [
    path("sessions/<int:pk>/aftercare/", after_effect_views.session_aftercare, name="session-aftercare"),
    path("after-effects/<int:pk>/", after_effect_views.after_effect_review, name="after-effect-review"),
    path("after-effects/<int:pk>/adverse-event/", after_effect_views.after_effect_record, name="after-effect-record"),
    path("after-effects/<int:pk>/close/", after_effect_views.after_effect_close, name="after-effect-close"),
]
