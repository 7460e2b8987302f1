from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ImsClinicConfig(AppConfig):
    name = "ims_clinic"
    verbose_name = "IMS Clinic"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .roles import sync_roles

        # After every app's permissions exist (this app migrates last).
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="ims_clinic.sync_roles")
