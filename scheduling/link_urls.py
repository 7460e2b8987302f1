"""The visit's private page that a reminder links to (mounted at /a/): no login, the token is the key."""

from django.urls import path

from . import link_views

app_name = "appointment_link"

urlpatterns = [
    path("<str:token>/", link_views.appointment_link_page, name="page"),
]
