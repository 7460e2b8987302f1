from django.urls import path

from . import aftercare_views

app_name = "aftercare"

urlpatterns = [
    path("aftercare/<str:token>/", aftercare_views.aftercare_sheet, name="sheet"),
    path("check/<str:token>/", aftercare_views.check, name="check"),
]
