from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("", views.schedule_day, name="schedule-day"),
    path("practitioners/<int:pk>/week/", views.practitioner_week, name="practitioner-week"),
    path("appointments/new/", views.appointment_create, name="appointment-create"),
    path("appointments/series/new/", views.series_create, name="series-create"),
    path("appointments/free-slots/", views.free_slots, name="free-slots"),
    path("appointments/patient-search/", views.patient_search, name="patient-search"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment-detail"),
    path("appointments/<int:pk>/reschedule/", views.appointment_reschedule, name="appointment-reschedule"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment-cancel"),
    path("appointments/<int:pk>/check-in/", views.appointment_check_in, name="appointment-check-in"),
    path("appointments/<int:pk>/no-show/", views.appointment_no_show, name="appointment-no-show"),
    path("appointments/<int:pk>/complete/", views.appointment_complete, name="appointment-complete"),
    path("waitlist/", views.waitlist_list, name="waitlist-list"),
    path("waitlist/new/", views.waitlist_create, name="waitlist-create"),
    path("waitlist/<int:pk>/remove/", views.waitlist_remove, name="waitlist-remove"),
    path("calendar-feed/", views.feed_manage, name="feed-manage"),
    path("feed/<str:token>.ics", views.practitioner_feed, name="practitioner-feed"),
]
