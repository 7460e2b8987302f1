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
NO_NEEDLING = "No level confirmed: education and exercise first."


def ready_to_sign(assessment: Assessment, *, decision: str = "confirmed") -> Assessment:
    """What signing asks of a draft: every level and side the summary suggests decided (`decision`), an
    impression and a plan (kept when already written), and a plan of muscles (kept when recorded: else the first
    muscle the summary ranks, or no needling, with its reason, when no level is confirmed)."""
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
    saved = services.assessment_save_fields(assessment=stored, data=data, version=stored.version)
    if not services.plan_problems(saved):
        return saved
    ranked = services.muscle_ranking(assessment=saved).targets
    return services.needling_plan_record(
        assessment=saved,
        recorded_by=saved.physiotherapist,
        targets=ranked[:1],
        no_needling_reason="" if ranked else NO_NEEDLING,
    )


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
