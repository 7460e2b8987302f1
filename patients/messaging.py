"""Messages to patients, the way each patient wants them: queued when their reason happens, sent by a task.

A higher app registers a composer for its kind of message (`register`, from its AppConfig.ready). `queue`
records the message with the time it is due and enqueues its task in the same transaction; the task
(`patients.tasks.deliver_message`) claims it, asks the composer, in the patient's language, whether it still
applies and what it says, and sends it by e-mail or text message. Every message carries the clinic's name and
phone; what was sent, when, how and with what result stays in the patient's record (`Message`).

Safe with several workers: a message is claimed by one update from queued to sending, so it is sent once. A
message that could not be sent goes back to queued and is tried again after 1, 2, 4... minutes, and is
marked failed after CLINIC_MESSAGE_MAX_ATTEMPTS tries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import ContactMethod, Message, MessageChannel, MessageKind, MessageStatus, Patient
from .text_messages import TextMessage, get_backend

logger = logging.getLogger(__name__)

LINK_WORDS = "[private link]"
# A message left "being sent" this long ago was interrupted (its worker stopped): it is queued again.
STRANDED_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Composed:
    """What a message says, in the language active when it was composed. `link` is the private link (with its
    token) where the text says it; it is sent, never stored. `text` is a shorter body for a text message."""

    subject: str
    body: str
    link: str = ""
    text: str = ""


class Skip(Exception):
    """The message no longer applies (the visit was cancelled or moved, the answers came already)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Composer = Callable[[Message], Composed]
_COMPOSERS: dict[str, Composer] = {}


def register(kind: MessageKind, composer: Composer) -> None:
    _COMPOSERS[kind] = composer


def channel_for(patient: Patient) -> tuple[MessageChannel, str] | None:
    """The patient's chosen way, if it can carry a message; a patient who prefers phone calls gets e-mail if they
    gave an address, else a text message; None when there is no address or number at all."""
    if patient.preferred_contact_method == ContactMethod.TEXT and patient.phone:
        return MessageChannel.TEXT, patient.phone
    if patient.preferred_contact_method == ContactMethod.EMAIL and patient.email:
        return MessageChannel.EMAIL, patient.email
    if patient.email:
        return MessageChannel.EMAIL, patient.email
    if patient.phone:
        return MessageChannel.TEXT, patient.phone
    return None


def _enqueue(message: Message, *, at: datetime | None = None) -> None:
    from .tasks import deliver_message

    run_after = at if at is not None and at > timezone.now() else None
    task = deliver_message.using(run_after=run_after) if run_after else deliver_message
    task.enqueue(message.pk)


@transaction.atomic
def queue(
    *, patient: Patient, kind: MessageKind, key: str, about: str = "", send_after: datetime | None = None
) -> Message:
    """The message for this reason (`key`), queued once: queuing the same key again returns the first. One that
    was skipped because its reason went away is queued again when the reason comes back (a visit moved back to the
    time its reminder named)."""
    when = send_after or timezone.now()
    existing = Message.objects.select_for_update().filter(key=key).first()
    if existing is not None:
        if existing.status == MessageStatus.SKIPPED:
            _finish(existing, status=MessageStatus.QUEUED, attempts=0, send_after=when, note="")
            _enqueue(existing, at=when)
        return existing
    message = Message.objects.create(patient=patient, kind=kind, key=key, about=about, send_after=when)
    _enqueue(message, at=when)
    return message


def cancel(*, key_prefix: str, reason: str) -> int:
    """Messages not yet sent for a reason that went away (a cancelled visit): marked not sent, with why."""
    return Message.objects.filter(key__startswith=key_prefix, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SKIPPED, note=reason[:200]
    )


def footer() -> str:
    return gettext("%(clinic)s · %(phone)s") % {"clinic": settings.CLINIC_NAME, "phone": settings.CLINIC_PHONE}


def _claim(message_id: int, *, when_due: bool = True) -> Message | None:
    claimed = Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
    if when_due:
        claimed = claimed.filter(send_after__lte=timezone.now())
    if not claimed.update(status=MessageStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()):
        return None
    return Message.objects.select_related("patient").get(pk=message_id)


def _finish(message: Message, **fields: object) -> None:
    for name, value in fields.items():
        setattr(message, name, value)
    message.save(update_fields=[*fields])


def deliver(message_id: int) -> Message | None:
    """Send the message if it is due and not yet claimed; what happened is saved on it. Returns it, or None
    when another worker has it or it is not due."""
    message = _claim(message_id)
    if message is None:
        return None
    composer = _COMPOSERS.get(message.kind)
    if composer is None:
        _finish(message, status=MessageStatus.SKIPPED, note="No text for this message.")
        return message
    return _compose_and_send(message, lambda: composer(message), retry=True)


def _compose_and_send(message: Message, compose: Callable[[], Composed], *, retry: bool) -> Message:
    """Compose in the patient's language, send by the patient's way, and record what was sent and how it went.
    A failure is tried again later (`retry`), or, for a message whose link exists only in memory, marked failed."""
    patient = message.patient
    route = channel_for(patient)
    if route is None or patient.is_archived:
        reason = "No e-mail address or phone number." if route is None else "Not sent: the patient is archived."
        _finish(message, status=MessageStatus.SKIPPED, note=reason)
        return message
    channel, recipient = route
    language = patient.preferred_language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            composed = compose()
            text = composed.text or composed.body
            body = f"{composed.body}\n\n{footer()}"
            # "Clinic: words", with the language's own spacing before the colon.
            heading = gettext("%(clinic)s: %(words)s")
            short = (heading % {"clinic": settings.CLINIC_NAME, "words": text}).replace("{link}", composed.link)
            subject = heading % {"clinic": settings.CLINIC_NAME, "words": composed.subject}
    except Skip as skip:
        _finish(message, status=MessageStatus.SKIPPED, note=skip.reason[:200])
        return message
    except Exception as error:  # a composer's fault is tried again and then shown as failed, never lost
        logger.exception("Message %s could not be composed", message.pk)
        _fail(message, error, {"channel": channel, "language": language, "recipient": recipient}, retry=retry)
        return message
    # What is kept: the link replaced by words, since the token must never be stored.
    stored = (short if channel == MessageChannel.TEXT else body).replace(composed.link or "{link}", LINK_WORDS)
    stored = stored.replace("{link}", LINK_WORDS)
    fields: dict[str, object] = {"channel": channel, "language": language, "recipient": recipient}
    fields |= {"subject": subject[:200], "body": stored}
    try:
        if channel == MessageChannel.EMAIL:
            EmailMessage(subject=subject, body=body.replace("{link}", composed.link), to=[recipient]).send()
        else:
            get_backend().send(TextMessage(to=recipient, body=short))
    except Exception as error:  # any failure of the channel is retried, never lost
        _fail(message, error, fields, retry=retry)
        return message
    _finish(message, status=MessageStatus.SENT, sent_at=timezone.now(), note="", **fields)
    return message


def _fail(message: Message, error: Exception, fields: dict[str, object], *, retry: bool) -> None:
    """Try again later; or, for a message whose link existed only in memory, mark it failed at once."""
    if retry:
        _retry_or_fail(message, error, fields)
        return
    logger.warning("Message %s not sent: %s", message.pk, type(error).__name__)
    note = f"Could not be sent ({type(error).__name__}); its link was not kept: send a new one."
    _finish(message, status=MessageStatus.FAILED, note=note, **fields)


def _retry_or_fail(message: Message, error: Exception, fields: dict[str, object]) -> None:
    # The error's kind only: a provider's text may repeat the number or the message.
    limit = settings.CLINIC_MESSAGE_MAX_ATTEMPTS
    note = f"Could not be sent ({type(error).__name__}), try {message.attempts} of {limit}."
    logger.warning("Message %s not sent: %s", message.pk, type(error).__name__)
    if message.attempts >= settings.CLINIC_MESSAGE_MAX_ATTEMPTS:
        _finish(message, status=MessageStatus.FAILED, note=note, **fields)
        return
    again = timezone.now() + timedelta(minutes=2 ** (message.attempts - 1))
    with transaction.atomic():
        _finish(message, status=MessageStatus.QUEUED, send_after=again, note=note, **fields)
        _enqueue(message, at=again)


@transaction.atomic
def requeue_stranded() -> int:
    """Queue again the messages whose worker stopped while sending them, and those due whose task was lost."""
    now = timezone.now()
    # Counted from when a worker took it, not from when it was due: a message due long ago (a worker catching up)
    # may be being sent right now.
    taken_long_ago = Q(claimed_at__lte=now - STRANDED_AFTER) | Q(
        claimed_at__isnull=True, send_after__lte=now - STRANDED_AFTER
    )
    stranded = Message.objects.filter(taken_long_ago, status=MessageStatus.SENDING)
    stranded.filter(attempts__gte=settings.CLINIC_MESSAGE_MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, note="Stopped while being sent, after the last try."
    )
    count = stranded.update(status=MessageStatus.QUEUED)
    for message in Message.objects.filter(status=MessageStatus.QUEUED, send_after__lte=now - STRANDED_AFTER):
        _enqueue(message)
    return count


def send_with_link(
    *, patient: Patient, kind: MessageKind, key: str, about: str = "", compose: Callable[[], Composed]
) -> Message:
    """A message whose private link exists only now (a questionnaire link issued by staff): recorded in the
    patient's record at once and sent when the transaction commits, by the patient's way and in their language.
    It is tried once: its link is never stored, so it cannot be sent again later; if sending fails the message
    says so, and staff give the patient a new link."""
    message = Message.objects.create(patient=patient, kind=kind, key=key, about=about, send_after=timezone.now())

    def send() -> None:
        claimed = _claim(message.pk, when_due=False)
        if claimed is not None:
            _compose_and_send(claimed, compose, retry=False)

    transaction.on_commit(send)
    return message


def can_send_again(message: Message) -> bool:
    """A failed message that its composer can write again (not one whose link was only in memory)."""
    return message.status == MessageStatus.FAILED and message.kind in _COMPOSERS


@transaction.atomic
def send_again(*, messages: Iterable[Message]) -> int:
    """Queue failed messages again from their first try (the clinic admin's "try again"); how many were."""
    count = 0
    now = timezone.now()
    ids = [message.pk for message in messages]
    for message in Message.objects.select_for_update().filter(pk__in=ids, status=MessageStatus.FAILED):
        if not can_send_again(message):
            continue
        _finish(message, status=MessageStatus.QUEUED, attempts=0, send_after=now, note="Queued again by the clinic.")
        _enqueue(message)
        count += 1
    return count


def absolute(path: str) -> str:
    """The full address of one of the site's pages, for a message (CLINIC_SITE_URL and the path)."""
    return f"{settings.CLINIC_SITE_URL.rstrip('/')}/{path.lstrip('/')}"
