from django.urls import path

from . import audit_views, mfa_views, views
from .middleware import two_factor_not_required

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", two_factor_not_required(views.LogoutView.as_view()), name="logout"),
    path("two-factor/setup/", mfa_views.mfa_setup, name="mfa-setup"),
    path("two-factor/", mfa_views.mfa_verify, name="mfa-verify"),
    path("audit/", audit_views.audit_list, name="audit-list"),
    path("audit.csv", audit_views.audit_export, name="audit-export"),
]
