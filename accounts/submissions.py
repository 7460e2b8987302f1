"""One-time form keys, so that a double-clicked or replayed form saves once (reliability-notes.md 5)."""

import uuid
from typing import Any

from django import forms
from django.db import IntegrityError
from django.utils.functional import cached_property

from .models import SubmissionKey, User


class DuplicateSubmission(Exception):
    """This form was already submitted; `result_url` is where the first submission led.

    It is raised inside the transaction whose claim failed, which can run no more queries: the URL
    is read when first asked for, once that transaction has rolled back.
    """

    def __init__(self, key: uuid.UUID) -> None:
        super().__init__(str(key))
        self.key = key

    @cached_property
    def result_url(self) -> str:
        return previous_result(self.key) or ""


class OneTimeSubmissionMixin(forms.Form):
    """Adds a hidden key that is new each time the form is rendered empty."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={"invalid": "Reload the form."})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


def previous_result(key: uuid.UUID) -> str | None:
    """Where an earlier submission of this form led, if it was already submitted."""
    return SubmissionKey.objects.filter(key=key).values_list("result_url", flat=True).first()


def claim_submission(*, key: uuid.UUID, user: User) -> SubmissionKey:
    """Claim the key inside the caller's transaction, or raise DuplicateSubmission if it was used.

    A concurrent second claim waits for the first transaction on the unique index, then fails. The
    insert has no savepoint of its own (two statements fewer per form): a refused claim spoils the
    caller's transaction, which DuplicateSubmission must therefore leave, as every caller lets it.
    """
    try:
        return SubmissionKey.objects.create(key=key, user=user)
    except IntegrityError:
        raise DuplicateSubmission(key) from None


def complete_submission(claim: SubmissionKey, result_url: str) -> None:
    claim.result_url = result_url
    claim.save(update_fields=["result_url"])
