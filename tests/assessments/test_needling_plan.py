"""The plan of muscles: ranked from the hands-on findings and the confirmed levels, ticked, signed, and followed by
the treatment sessions (planned next to done)."""

import html
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import gunn_signs, needling_plan, services
from assessments.anatomy import Side
from assessments.forms import NO_PLAN
from assessments.models import Assessment, AssessmentStatus
from patients import services as patient_services
from patients.models import RecheckAnswer
from tests.assessments.sessions import cleared_patient
from tests.assessments.signing import sign_assessment
from tests.factories import UserFactory
from tests.pages import Page, body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

ECRB = "extensor-carpi-radialis-brevis"
MULTIFIDUS = "cervical-multifidus-rotatores"
ECRB_RIGHT = f"{ECRB}||R"
MULTIFIDUS_C6_RIGHT = f"{MULTIFIDUS}|C6|R"


def tender(muscle: str, side: Side = Side.RIGHT, **kwargs: Any) -> gunn_signs.Finding:
    return gunn_signs.Finding("SEN-MOTORPOINT", side, muscle=muscle, **kwargs)


# --- The ranking, worked by hand ---------------------------------------------------------------------------------


def test_a_tender_ecrb_with_c6_right_confirmed_comes_first_then_the_c6_paraspinal_partner_then_the_rest() -> None:
    ranking = needling_plan.rank_muscles({"C6": [Side.RIGHT]}, [tender(ECRB)])

    codes = [ranked.code for ranked in ranking.muscles]
    first, second = ranking.muscles[:2]
    assert codes[:2] == [ECRB, MULTIFIDUS]
    assert (first.rank, first.found, [t.target.key for t in first.targets]) == (
        needling_plan.Rank.FOUND,
        ("tender, right",),
        [ECRB_RIGHT],
    )
    assert second.rank is needling_plan.Rank.PARTNER
    partner = second.targets[0]
    assert (partner.target.key, partner.partner_of, partner.partner_note) == (
        MULTIFIDUS_C6_RIGHT,
        "C6 right",
        "C5-C6 level multifidus",
    )
    # The other 20 muscles of C6 (2.3), each once, after them; the first of them a primary C6 muscle.
    assert len(codes) == len(set(codes)) == 22
    assert {ranked.rank for ranked in ranking.muscles[2:]} == {needling_plan.Rank.SEGMENT}
    assert ranking.muscles[2].code == "teres-major"


def test_each_muscle_is_listed_once_over_two_levels_with_the_partner_at_each_level() -> None:
    ranking = needling_plan.rank_muscles({"C5": [Side.RIGHT], "C6": [Side.RIGHT]})

    codes = [ranked.code for ranked in ranking.muscles]
    partner = ranking.muscles[0]
    assert len(codes) == len(set(codes)) == 25
    assert partner.code == MULTIFIDUS and partner.rank is needling_plan.Rank.PARTNER
    assert [(t.target.key, t.partner_of) for t in partner.targets] == [
        (f"{MULTIFIDUS}|C5|R", "C5 right"),
        (MULTIFIDUS_C6_RIGHT, "C6 right"),
    ]


def test_muscles_with_more_signs_found_come_first_and_absent_findings_do_not_count() -> None:
    findings = [
        tender("supinator"),
        tender(ECRB),
        gunn_signs.Finding("MOT-TAUTBAND", Side.RIGHT, muscle=ECRB),
        tender("brachioradialis", status=gunn_signs.FindingStatus.ABSENT),
        tender("upper-trapezius"),
    ]

    ranking = needling_plan.rank_muscles({"C6": [Side.RIGHT]}, findings)

    found = ranking.group(needling_plan.Rank.FOUND)
    assert [(m.code, m.found) for m in found] == [
        (ECRB, ("tender, taut bands, right",)),
        ("supinator", ("tender, right",)),
    ]
    assert [(m.code, found) for m, found in ranking.found_elsewhere] == [("upper-trapezius", ("tender, right",))]


def test_a_muscle_found_on_the_other_side_is_offered_on_that_side_too() -> None:
    ranking = needling_plan.rank_muscles({"C6": [Side.RIGHT]}, [tender(ECRB, Side.BILATERAL)])

    assert [t.target.key for t in ranking.muscles[0].targets] == [f"{ECRB}||L", ECRB_RIGHT]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("unicorn||R", "That muscle is not in the catalogue."),
        (f"{ECRB}||X", "Choose the left or the right side of the Extensor carpi radialis brevis."),
        (f"{MULTIFIDUS}|L5|R", "Choose a level at which the Cervical multifidus / rotatores is needled."),
        (f"{ECRB}|C6|R", "The Extensor carpi radialis brevis is planned by side, not by level."),
        ("nonsense", "Choose muscles from the list."),
    ],
)
def test_a_target_that_names_no_muscle_side_or_level_of_the_catalogue_is_refused_in_words(
    key: str, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        needling_plan.Target.parse(key)


# --- The summary page ---------------------------------------------------------------------------------------------


@pytest.fixture
def patient() -> Any:
    return cleared_patient()


@pytest.fixture
def assessment(physio_client: Client, patient: Any) -> Assessment:
    """Maya's draft: tender ECRB on the right, paraspinal tenderness at C6 right, and C6 right confirmed."""
    draft = services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    services.assessment_save_fields(assessment=draft, data={"chief_complaint": "Elbow pain"}, version=draft.version)
    services.finding_record(assessment=draft, sign_code="SEN-MOTORPOINT", side="R", status="present", muscle=ECRB)
    services.finding_record(assessment=draft, sign_code="SEN-PARASPINAL", side="R", status="present", level="C6")
    services.segment_decide(assessment=draft, level="C6", side="R", decision="confirmed")
    return fresh(draft)


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def summary_url(assessment: Assessment) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "summary"})


def plan_url(assessment: Assessment) -> str:
    return reverse("assessments:needling-plan-save", kwargs={"pk": assessment.pk})


def plan_data(assessment: Assessment, *targets: str, **changes: str) -> dict[str, Any]:
    return {"version": str(fresh(assessment).version), "targets": list(targets), **changes}


def plan_section(body: str) -> str:
    start = body.index('id="muscles-heading"')
    return body[start : body.index("</section>", start)]


def listed_muscles(body: str) -> list[str]:
    return [html.unescape(name) for name in re.findall(r"<strong>([^<]+)</strong>", plan_section(body))]


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_summary_ranks_the_found_muscle_first_then_the_partner_and_collapses_the_rest(
    physio_client: Client, assessment: Assessment
) -> None:
    body = body_of(physio_client.get(summary_url(assessment)))

    section = plan_section(body)
    names = listed_muscles(body)
    assert names[:2] == ["Extensor carpi radialis brevis", "Cervical multifidus / rotatores"]
    assert len(names) == len(set(names)) == 22
    shown_text = text_of(section)
    assert "Found: tender, right" in shown_text
    assert "Paraspinal partner of C6 right, beside the spine (C5-C6 level multifidus)" in shown_text
    assert "Right: Allowed" in shown_text and "Near the spine" in shown_text
    # The rest of the segment's muscles are in a list closed until opened (no JavaScript needed).
    details = section[section.index("<details") : section.index("</details>")]
    assert '<details class="mb-2">' in section and "Supinator" in details
    assert "Extensor carpi radialis brevis" not in details
    assert "The other muscles of the confirmed levels (20)" in text_of(details)
    # Every box to tick posts to the plan, with the CSRF token: a plain form.
    assert plan_url(assessment) in Page(body).actions()
    assert f'value="{ECRB_RIGHT}"' in section and f'value="{MULTIFIDUS_C6_RIGHT}"' in section
    assert not re.search(r"SEN-|MOT-|\|\|R<", text_of(section))


def test_ticked_muscles_are_saved_as_the_plan_and_shown_ticked(physio_client: Client, assessment: Assessment) -> None:
    assert services.plan_problems(fresh(assessment)) == [
        "Record the plan of muscles to needle, or that no needling is planned and why."
    ]

    response = physio_client.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT, MULTIFIDUS_C6_RIGHT))

    assert response.status_code == 302 and response["Location"] == f"{summary_url(assessment)}#plan"
    assert fresh(assessment).planned_muscles == [
        {"muscle": ECRB, "side": "R", "level": ""},
        {"muscle": MULTIFIDUS, "side": "R", "level": "C6"},
    ]
    assert services.plan_problems(fresh(assessment)) == []
    page = physio_client.get(summary_url(assessment))
    assert shown("Plan of muscles saved.", page)
    section = plan_section(body_of(page))
    assert re.search(rf'value="{re.escape(ECRB_RIGHT)}"[^>]*checked', section)
    assert not re.search(r'value="supinator\|\|R"[^>]*checked', section)


def test_no_needling_planned_with_a_reason_replaces_the_ticked_muscles(
    physio_client: Client, assessment: Assessment
) -> None:
    physio_client.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT))

    response = physio_client.post(
        plan_url(assessment),
        plan_data(assessment, no_needling="on", no_needling_reason="Education and loading first; review in 2 weeks"),
    )

    assert response.status_code == 302
    assert fresh(assessment).planned_muscles == []
    assert fresh(assessment).no_needling_reason == "Education and loading first; review in 2 weeks"
    assert services.plan_problems(fresh(assessment)) == []
    assert 'name="no_needling" class="checkboxinput form-check-input" id="id_plan_no_needling" checked' in body_of(
        physio_client.get(summary_url(assessment))
    )


def test_the_plan_is_part_of_the_signed_content_and_of_the_print(
    physio_client: Client, assessment: Assessment
) -> None:
    physio_client.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT, MULTIFIDUS_C6_RIGHT))
    planned = fresh(assessment)
    plan_fields = ("planned_muscles", "no_needling_reason")
    without_plan = services.digest_of(
        {
            "assessment": {f: getattr(planned, f) for f in services.ASSESSMENT_SIGNED_FIELDS if f not in plan_fields},
            **services.signed_rows(planned, services.ASSESSMENT_SIGNED_ROWS),
        }
    )

    signed = sign_assessment(planned)

    assert signed.content_digest == services.content_digest(fresh(assessment)) != without_plan
    summary = body_of(physio_client.get(summary_url(assessment)))
    assert "Extensor carpi radialis brevis, right" in text_of(plan_section(summary))
    assert 'name="targets"' not in summary
    printed = text_of(body_of(physio_client.get(reverse("assessments:assessment-print", args=[assessment.pk]))))
    assert (
        "Plan of muscles to needle: Extensor carpi radialis brevis, right; Cervical multifidus / rotatores, C6 right"
        in printed
    )


def test_an_assessment_without_a_plan_digests_as_those_signed_before_the_plan_existed(assessment: Assessment) -> None:
    """What assessments signed before the plan existed were sealed over: their digest still verifies."""
    stored = fresh(assessment)
    before_the_plan = ("patient_id", "physiotherapist_id", *services.HISTORY_FIELDS, *services.SUMMARY_FIELDS)
    rows = services.signed_rows(stored, services.ASSESSMENT_SIGNED_ROWS)
    rows = {key: found for key, found in rows.items() if key not in services.ASSESSMENT_ROWS_ADDED_LATER}

    sealed_the_old_way = services.digest_of({"assessment": {f: getattr(stored, f) for f in before_the_plan}, **rows})

    assert services.content_digest(stored) == sealed_the_old_way


# --- Bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("targets", "changes", "field", "message"),
    [
        (["unicorn||R"], {}, "plan_targets", "That muscle is not in the catalogue."),
        (
            [ECRB_RIGHT, f"{ECRB}||X"],
            {},
            "plan_targets",
            "Choose the left or the right side of the Extensor carpi radialis brevis.",
        ),
        (
            ["gastrocnemius||R"],
            {},
            "plan_targets",
            "The Gastrocnemius, right, is not among the muscles of the confirmed levels.",
        ),
        ([], {}, "plan_targets", NO_PLAN),
        (
            [],
            {"no_needling": "on", "no_needling_reason": "  "},
            "plan_no_needling_reason",
            "Say why no needling is planned.",
        ),
        (
            [ECRB_RIGHT],
            {"no_needling": "on", "no_needling_reason": "Not today"},
            "plan_no_needling",
            "Untick the muscles, or untick “No needling planned”: not both.",
        ),
    ],
)
def test_a_bad_plan_is_refused_at_its_field_and_nothing_is_saved(
    physio_client: Client,
    assessment: Assessment,
    targets: list[str],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    version = fresh(assessment).version

    response = physio_client.post(plan_url(assessment), plan_data(assessment, *targets, **changes))

    assert response.status_code == 400
    assert field_error(response, field, message)
    assert fresh(assessment).planned_muscles == []
    assert (fresh(assessment).version, fresh(assessment).no_needling_reason) == (version, "")


def test_a_double_submit_saves_the_plan_once(physio_client: Client, assessment: Assessment) -> None:
    data = plan_data(assessment, ECRB_RIGHT, MULTIFIDUS_C6_RIGHT)

    first = physio_client.post(plan_url(assessment), data)
    version = fresh(assessment).version
    second = physio_client.post(plan_url(assessment), data)

    assert first.status_code == second.status_code == 302
    assert len(fresh(assessment).planned_muscles) == 2
    assert fresh(assessment).version == version


def test_a_different_plan_from_a_page_out_of_date_is_refused(physio_client: Client, assessment: Assessment) -> None:
    stale = plan_data(assessment, ECRB_RIGHT)
    physio_client.post(plan_url(assessment), plan_data(assessment, MULTIFIDUS_C6_RIGHT))

    response = physio_client.post(plan_url(assessment), stale)

    assert response.status_code == 409
    assert shown("This assessment was saved elsewhere since you opened this page.", response)
    assert [row["muscle"] for row in fresh(assessment).planned_muscles] == [MULTIFIDUS]


def test_a_plan_posted_to_a_signed_assessment_is_refused_with_a_message(
    physio_client: Client, assessment: Assessment
) -> None:
    signed = sign_assessment(assessment)

    response = physio_client.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT))

    assert response.status_code == 400
    assert shown("This assessment is signed and cannot change. Add an addendum instead.", response)
    assert fresh(assessment).planned_muscles == signed.planned_muscles != []
    assert fresh(assessment).content_digest == signed.content_digest
    assert fresh(assessment).status == AssessmentStatus.SIGNED


def test_a_plan_posted_to_someone_elses_draft_is_refused(assessment: Assessment) -> None:
    colleague = physio_client_for("daniel")

    response = colleague.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT))

    assert response.status_code == 403
    assert fresh(assessment).planned_muscles == []
    with pytest.raises(ValidationError, match=r"Only the physiotherapist who made this assessment records its plan\."):
        services.needling_plan_record(
            assessment=assessment, recorded_by=colleague.user, targets=[needling_plan.Target(ECRB, "R")]
        )


def test_the_plan_takes_only_a_post(physio_client: Client, assessment: Assessment) -> None:
    assert physio_client.get(plan_url(assessment)).status_code == 405


def test_the_service_refuses_a_muscle_outside_the_confirmed_levels() -> None:
    patient = cleared_patient()
    physio = UserFactory()
    draft = services.assessment_start(patient=patient, physiotherapist=physio)
    services.segment_decide(assessment=draft, level="C6", side="R", decision="confirmed")

    refused = r"Not among the muscles of the confirmed levels: Gastrocnemius, right\."
    with pytest.raises(ValidationError, match=refused):
        services.needling_plan_record(
            assessment=draft, recorded_by=physio, targets=[needling_plan.Target("gastrocnemius", "R")]
        )
    assert fresh(draft).planned_muscles == []


def test_a_planned_muscle_whose_level_is_no_longer_confirmed_is_a_problem_for_signing(
    physio_client: Client, assessment: Assessment
) -> None:
    physio_client.post(plan_url(assessment), plan_data(assessment, MULTIFIDUS_C6_RIGHT))
    services.segment_decide(assessment=assessment, level="C6", side="R", decision="rejected")

    assert services.plan_problems(fresh(assessment)) == [
        "Cervical multifidus / rotatores, C6 right, is planned but is no longer among the muscles of the confirmed "
        "levels: review the plan."
    ]
    assert "Planned, but no longer among the muscles of the confirmed levels" in text_of(
        body_of(physio_client.get(summary_url(assessment)))
    )


# --- The treatment session ----------------------------------------------------------------------------------------


def session_url(name: str, pk: int) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": pk})


@pytest.fixture
def session(physio_client: Client, patient: Any, assessment: Assessment) -> Any:
    """The signed assessment's plan (ECRB right, C6 multifidus right), followed by today's session."""
    physio_client.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT, MULTIFIDUS_C6_RIGHT))
    signed = fresh(assessment)
    sign_assessment(signed)
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    recheck = patient_services.safety_recheck_record(
        patient=patient, asked_by=physio_client.user, answer=RecheckAnswer.NO_CHANGE
    )
    return services.session_recheck_link(session=draft, recheck=recheck)


def test_the_session_picker_offers_the_plan_first(physio_client: Client, session: Any) -> None:
    body = body_of(physio_client.get(session_url("session-detail", session.pk)))

    select = body[body.index('name="muscle"') : body.index("</select>", body.index('name="muscle"'))]
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    assert groups[:2] == ["Planned at the assessment", "Suggested by the assessment"]
    planned = select[select.index("<optgroup") : select.index("</optgroup>")]
    assert re.findall(r'<option value="([^"]+)"', planned) == [ECRB, MULTIFIDUS]
    suggested = select[select.index("</optgroup>") : select.index("</optgroup>", select.index("</optgroup>") + 1)]
    assert "Supinator" in suggested and ECRB not in suggested


def test_a_plan_withdrawn_with_its_assessment_entered_in_error_is_not_offered(
    physio_client: Client, session: Any
) -> None:
    services.assessment_mark_entered_in_error(
        assessment=session.assessment, by=physio_client.user, reason="Recorded for the wrong patient"
    )

    body = body_of(physio_client.get(session_url("session-detail", session.pk)))

    select = body[body.index('name="muscle"') : body.index("</select>", body.index('name="muscle"'))]
    assert "Planned at the assessment" not in select
    assert 'id="planned-and-done"' not in body


def test_a_draft_assessments_plan_is_not_offered_to_a_session(
    physio_client: Client, patient: Any, assessment: Assessment
) -> None:
    physio_client.post(plan_url(assessment), plan_data(assessment, ECRB_RIGHT, MULTIFIDUS_C6_RIGHT))
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    type(draft).objects.filter(pk=draft.pk).update(assessment=assessment)  # a session kept from before signing
    assert fresh(assessment).status == AssessmentStatus.DRAFT and fresh(assessment).planned_muscles

    body = body_of(physio_client.get(session_url("session-detail", draft.pk)))

    select = body[body.index('name="muscle"') : body.index("</select>", body.index('name="muscle"'))]
    assert "Planned at the assessment" not in select
    assert 'id="planned-and-done"' not in body


def test_the_session_shows_planned_and_done_side_by_side(physio_client: Client, session: Any) -> None:
    services.needled_site_add(session=session, muscle=ECRB, side="R", insertions=3)
    services.needled_site_add(session=session, muscle="supinator", side="R", insertions=1)

    body = body_of(physio_client.get(session_url("session-detail", session.pk)))

    table = body[body.index('id="planned-and-done"') : body.index("</table>", body.index('id="planned-and-done"'))]
    rows = [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    assert rows[0] == ["Muscle", "Planned", "Done"]
    assert rows[1] == ["Extensor carpi radialis brevis", "Right", "Right: needled, 3 insertions"]
    assert rows[2][:2] == ["Cervical multifidus / rotatores", "C6 right"]
    assert rows[2][2].startswith("Not yet Today: Allowed")
    assert "Record this site" in rows[2][2]
    assert rows[3] == ["Supinator", "Not in the plan", "Right: needled, 1 insertion"]


def test_the_record_this_site_link_fills_in_the_planned_site(physio_client: Client, session: Any) -> None:
    body = body_of(
        physio_client.get(f"{session_url('session-detail', session.pk)}?muscle={MULTIFIDUS}&side=R&level=C6")
    )

    form = body[body.index('id="site-form"') : body.index("</form>", body.index('id="site-form"'))]
    assert re.search(rf'<option value="{MULTIFIDUS}" selected>', form)
    assert re.search(r'<option value="C6" selected>', form)
