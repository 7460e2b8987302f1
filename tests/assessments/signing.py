"""Signing as the tests do it: complete what the review asks of a draft, then sign by the service or, as a
physiotherapist does, by the review page's second step."""

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, TreatmentSession

IMPRESSION = "Right C6 segmental dysfunction with lateral elbow pain."
PLAN = "IMS weekly for four sessions, then reassess."


def ready_to_sign(assessment: Assessment, *, decision: str = "confirmed") -> Assessment:
    """What signing asks of a draft: every level and side the summary suggests decided (`decision`), and an
    impression and a plan (kept when already written)."""
    summary = services.assessment_summary(assessment=assessment)
    decided = {(row.level, row.side) for row in assessment.segment_decisions.all()}
    for level in summary.levels:
        for side in level.suggested_sides:
            if (level.level, side.value) not in decided:
                services.segment_decide(assessment=assessment, level=level.level, side=side.value, decision=decision)
    stored = Assessment.objects.get(pk=assessment.pk)
    data = {
        "clinical_impression": stored.clinical_impression or IMPRESSION,
        "plan": stored.plan or PLAN,
    }
    return services.assessment_save_fields(assessment=stored, data=data, version=stored.version)


def sign_assessment(assessment: Assessment) -> Assessment:
    """The draft completed and signed by its physiotherapist."""
    ready = ready_to_sign(assessment)
    return services.assessment_sign(assessment=ready, signed_by=ready.physiotherapist, version=ready.version)


def sign_url(record: Assessment | TreatmentSession) -> str:
    name = "assessment-sign" if isinstance(record, Assessment) else "session-sign"
    return reverse(f"assessments:{name}", kwargs={"pk": record.pk})


def sign_by_review(client: Client, record: Assessment | TreatmentSession, **changes: Any) -> Any:
    """The two steps of a signature through the pages: open the review, then post its form with the box ticked
    and the version the review showed (`changes` replace or, set to None, leave out fields)."""
    review = client.get(sign_url(record))
    assert review.status_code == 200
    shown = re.search(r'name="version" value="(\d+)"', review.content.decode())
    version = shown.group(1) if shown else str(type(record).objects.get(pk=record.pk).version)
    data = {"version": version, "reviewed": "on", **changes}
    return client.post(sign_url(record), {key: value for key, value in data.items() if value is not None}, follow=True)
