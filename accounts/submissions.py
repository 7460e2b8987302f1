"""One-time form keys, so that a double-clicked or replayed form saves once (reliability-notes.md 5)."""

import uuid
from typing import Any

from django import forms
from django.db import IntegrityError, transaction

from .models import SubmissionKey


class DuplicateSubmission(Exception):
    """This form was already submitted; `result_url` is where the first submission led."""

    def __init__(self, result_url: str) -> None:
        super().__init__(result_url)
        self.result_url = result_url


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


def claim_submission(*, key: uuid.UUID, user: Any) -> SubmissionKey:
    """Claim the key inside the caller's transaction, or raise DuplicateSubmission if it was used.

    A concurrent second claim waits for the first transaction on the unique index, then fails.
    """
    try:
        with transaction.atomic():
            return SubmissionKey.objects.create(key=key, user=user)
    except IntegrityError:
        raise DuplicateSubmission(previous_result(key) or "") from None


def complete_submission(claim: SubmissionKey, result_url: str) -> None:
    claim.result_url = result_url
    claim.save(update_fields=["result_url"])
