from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from auditlog.signals import post_log

        from . import signals  # noqa: F401  (session start time on login)
        from .audit import record_log_entry

        post_log.connect(record_log_entry, dispatch_uid="accounts.audit.record_log_entry")
