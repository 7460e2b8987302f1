"""The patients' tasks, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from . import messaging


@task()
def deliver_message(message_id: int) -> str:
    """Send one queued message (idempotent: a message already claimed, sent or not due is left alone)."""
    message = messaging.deliver(message_id)
    return message.status if message is not None else "not claimed"
