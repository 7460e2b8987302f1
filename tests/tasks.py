"""Running the task worker inside a test."""

from unittest import mock

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


def run_worker() -> None:
    """The real task worker (`manage.py db_worker --batch`), once through every task due now (time-machine's now).

    Between tasks the worker closes stale database connections, as a long-running process should; inside a test's
    transaction that would close the test's own connection on PostgreSQL, so here that one step is left out.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
