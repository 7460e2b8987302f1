"""Gunn's sign catalogue, finding rules and the segment summary against clinical-reference.md 1.2-1.4."""

import pytest

from assessments import gunn_signs
from assessments.anatomy import Side
from assessments.gunn_signs import (
    Attachment,
    Finding,
    FindingStatus,
    KeyMuscleResult,
    ReflexResult,
    SensoryResult,
    SignGroup,
    SummarySettings,
    segment_summary,
)
from assessments.scales import MrcGrade, ReflexGrade, SensoryModality, SensoryScore

L, R, B, M = Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.MIDLINE
APPENDIX_A_SIGN_CODES = [
    "SEN-MOTORPOINT", "SEN-MULTISEG", "SEN-PARASPINAL", "SEN-HYPERALG",
    "AUT-VASO", "AUT-SUDO", "AUT-PILO",
    "TRO-TROPHEDEMA", "TRO-ORANGEPEEL", "TRO-SKINROLL", "TRO-HAIRLOSS", "TRO-NAILS", "TRO-SKIN",
    "MOT-SHORTENED", "MOT-TAUTBAND", "MOT-ROM", "MOT-ENTHESO", "MOT-WEAK", "MOT-GRASP",
    "SPI-PARASHORT", "SPI-TROPHIC", "SPI-SPINOUS", "VIS-ORGAN",
]  # fmt: skip


def test_rules_version_is_recorded():
    assert gunn_signs.RULES_VERSION == "2026.2"
    assert gunn_signs.RULES_VERSIONS == ("2026.1", "2026.2")


def test_sign_codes_match_appendix_a_in_order():
    assert list(gunn_signs.SIGN_CODES) == APPENDIX_A_SIGN_CODES


def test_sign_groups_match_appendix_a():
    assert [group.value for group in gunn_signs.SIGN_GROUPS] == [
        "sensory", "autonomic", "trophic", "motor", "spinal", "history",
    ]  # fmt: skip


def test_each_sign_group_follows_its_code_prefix():
    prefixes = {"SEN": "sensory", "AUT": "autonomic", "TRO": "trophic", "MOT": "motor", "SPI": "spinal",
                "VIS": "history"}  # fmt: skip
    for item in gunn_signs.SIGNS.values():
        assert item.group.value == prefixes[item.code.split("-")[0]], item.code


def test_every_sign_says_how_it_is_examined_and_cites_a_source():
    for item in gunn_signs.SIGNS.values():
        assert item.label and item.meaning and item.how_examined, item.code
        assert item.sources, item.code
        assert item.attaches_to, item.code


def test_finding_status_and_grade_follow_appendix_a():
    assert [status.value for status in FindingStatus] == ["present", "absent", "equivocal", "not_tested"]
    assert dict(gunn_signs.FINDING_GRADES) == {0: "none", 1: "mild", 2: "moderate", 3: "marked"}


def test_trophedema_is_examined_with_the_matchstick_test():
    assert "Matchstick" in gunn_signs.sign("TRO-TROPHEDEMA").how_examined


def test_motor_point_tenderness_is_recorded_against_a_muscle():
    assert Attachment.MUSCLE in gunn_signs.sign("SEN-MOTORPOINT").attaches_to


def test_spinal_signs_are_recorded_against_levels():
    for item in (s for s in gunn_signs.SIGNS.values() if s.group is SignGroup.SPINAL):
        assert item.attaches_to == (Attachment.LEVELS,)


def test_multisegmental_tenderness_is_derived():
    assert gunn_signs.sign("SEN-MULTISEG").is_derived


def test_visceral_involvement_is_a_history_item_only():
    assert gunn_signs.sign("VIS-ORGAN").group is SignGroup.HISTORY
    assert gunn_signs.sign("VIS-ORGAN").attaches_to == (Attachment.REGION,)


def test_unknown_sign_code_is_refused():
    with pytest.raises(ValueError, match="Unknown sign code"):
        gunn_signs.sign("SEN-NOPE")


# --- Finding validation -------------------------------------------------------------------------------------------


def test_finding_normalises_sides_statuses_and_level_order():
    finding = Finding("SPI-PARASHORT", "L", status="present", levels=("L5", "L4"))
    assert finding.side is Side.LEFT
    assert finding.status is FindingStatus.PRESENT
    assert finding.levels == ("L4", "L5")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sign_code": "SPI-SPINOUS", "side": "X", "levels": ("L4",)}, "not a valid Side"),
        ({"sign_code": "SPI-SPINOUS", "side": M, "levels": ("L9",)}, "Unknown spinal level"),
        ({"sign_code": "SPI-SPINOUS", "side": M, "levels": ("L4",), "status": "maybe"}, "not a valid FindingStatus"),
        ({"sign_code": "SPI-SPINOUS", "side": M, "levels": ("L4",), "grade": 4}, "grade must be 0, 1, 2 or 3"),
        ({"sign_code": "SPI-SPINOUS", "side": M, "levels": ("L4",), "grade": True}, "grade must be 0, 1, 2 or 3"),
        ({"sign_code": "MOT-TAUTBAND", "side": M, "muscle": "deltoid"}, "midline"),
        ({"sign_code": "MOT-TAUTBAND", "side": L, "levels": ("C5",)}, "not recorded against spinal levels"),
        ({"sign_code": "SPI-SPINOUS", "side": M, "muscle": "deltoid"}, "not recorded against a muscle"),
        ({"sign_code": "MOT-TAUTBAND", "side": L, "muscle": "deltoids"}, "Unknown muscle code"),
        ({"sign_code": "MOT-TAUTBAND", "side": L, "muscle": "lumbar-multifidus"}, "which level"),
        ({"sign_code": "MOT-TAUTBAND", "side": L, "muscle": "lumbar-multifidus", "levels": ("T12",)},
         "not found at T12"),
        ({"sign_code": "MOT-WEAK", "side": L, "muscle": "deltoid", "levels": ("C5",)}, "either a muscle or levels"),
        ({"sign_code": "SPI-SPINOUS", "side": M}, "must be recorded against levels"),
        ({"sign_code": "MOT-GRASP", "side": L}, "must be recorded against muscle"),
    ],
)  # fmt: skip
def test_finding_refuses_inconsistent_records(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Finding(**kwargs)


def test_region_only_findings_are_allowed_where_the_sign_permits():
    Finding("MOT-ENTHESO", L, region_note="lateral elbow")
    Finding("VIS-ORGAN", B, region_note="irritable bowel")


def test_neuro_screen_results_must_be_one_side():
    with pytest.raises(ValueError, match="left \\(L\\) or right \\(R\\)"):
        ReflexResult("biceps", B, ReflexGrade.NORMAL)
    with pytest.raises(ValueError, match="left \\(L\\) or right \\(R\\)"):
        KeyMuscleResult("C5", M, MrcGrade.GOOD)
    with pytest.raises(ValueError, match="Unknown reflex"):
        ReflexResult("knee-jerk", L, ReflexGrade.NORMAL)
    with pytest.raises(ValueError, match="hyper"):
        SensoryResult("C6", L, SensoryModality.PINPRICK, SensoryScore.NORMAL, is_hyper=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"min_groups": 0}, "min_groups"), ({"secondary_root_weight": 1.5}, "secondary_root_weight"),
     ({"min_group_weight": 0}, "min_group_weight"), ({"weakness_threshold": "9"}, "MRC grade"),
     ({"weakness_threshold": "NT"}, "not tested")],
)  # fmt: skip
def test_summary_settings_refuse_nonsense(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SummarySettings(**kwargs)


# --- The segment summary (1.4) ------------------------------------------------------------------------------------


def test_summary_defaults_are_the_references_proposals():
    settings = gunn_signs.DEFAULT_SUMMARY_SETTINGS
    assert settings.min_groups == 2
    assert settings.secondary_root_weight == 0.5
    assert settings.weakness_threshold is MrcGrade.GOOD
    assert not settings.include_equivocal


def test_motor_plus_spinal_evidence_suggests_the_level():
    summary = segment_summary(
        [
            Finding("MOT-TAUTBAND", L, muscle="tibialis-anterior", reference=1),  # primary L4
            Finding("SPI-PARASHORT", L, levels=("L4",), reference=2),
        ]
    )
    assert summary.suggested_levels == ("L4",)
    l4 = summary.level("L4")
    assert l4.suggested_sides == (L,)
    assert l4.group_counts == {"motor": 1, "spinal": 1}
    assert {item.reference for item in l4.evidence} == {1, 2}
    assert summary.rules_version == gunn_signs.RULES_VERSION


def test_one_group_alone_does_not_suggest_a_level():
    summary = segment_summary(
        [
            Finding("MOT-TAUTBAND", L, muscle="tibialis-anterior"),
            Finding("MOT-SHORTENED", L, muscle="tibialis-anterior"),
        ]
    )
    assert summary.suggested_levels == ()
    assert summary.level("L4").group_counts == {"motor": 2}
    assert summary.suggested_muscles == ()


def test_evidence_on_opposite_sides_does_not_combine():
    summary = segment_summary(
        [Finding("MOT-TAUTBAND", L, muscle="tibialis-anterior"), Finding("SPI-PARASHORT", R, levels=("L4",))]
    )
    assert summary.suggested_levels == ()
    assert [side.side for side in summary.level("L4").sides] == [L, R]


def test_secondary_roots_get_half_credit():
    summary = segment_summary([Finding("MOT-TAUTBAND", L, muscle="tibialis-anterior")])  # L4 primary, L5 secondary
    l5_left = summary.level("L5").sides[0]
    assert l5_left.group_weights == {"motor": 0.5}
    assert l5_left.supporting_groups == ()


def test_two_half_credits_make_a_supporting_group():
    summary = segment_summary(
        [
            Finding("MOT-TAUTBAND", L, muscle="tibialis-anterior"),  # L5 at 0.5
            Finding("MOT-TAUTBAND", L, muscle="gluteus-maximus"),  # L5 at 0.5
            Finding("SPI-SPINOUS", M, levels=("L5",)),
        ]
    )
    l5 = summary.level("L5")
    assert l5.sides[0].group_weights["motor"] == 1.0
    assert "L5" in summary.suggested_levels


def test_secondary_roots_can_be_left_out():
    settings = SummarySettings(secondary_root_weight=0)
    summary = segment_summary([Finding("MOT-TAUTBAND", L, muscle="tibialis-anterior")], settings=settings)
    assert [level.level for level in summary.levels] == ["L4"]


def test_midline_evidence_supports_both_sides():
    summary = segment_summary(
        [
            Finding("SPI-SPINOUS", M, levels=("C6",)),
            Finding("SEN-MOTORPOINT", R, muscle="extensor-carpi-radialis-brevis"),  # primary C6
        ]
    )
    c6 = summary.level("C6")
    assert c6.suggested_sides == (R,)
    assert [side.side for side in c6.sides] == [L, R]
    assert c6.group_counts == {"sensory": 1, "spinal": 1}


def test_bilateral_findings_count_on_each_side():
    summary = segment_summary(
        [Finding("SPI-PARASHORT", B, levels=("L5",)), Finding("TRO-SKINROLL", B, levels=("L5",))]
    )
    assert summary.level("L5").suggested_sides == (L, R)


def test_only_present_findings_count_by_default():
    findings = [
        Finding("SPI-PARASHORT", L, status=FindingStatus.EQUIVOCAL, levels=("L5",)),
        Finding("TRO-SKINROLL", L, status=FindingStatus.ABSENT, levels=("L5",)),
        Finding("AUT-VASO", L, status=FindingStatus.NOT_TESTED, levels=("L5",)),
        Finding("MOT-WEAK", L, levels=("L5",)),
    ]
    assert segment_summary(findings).suggested_levels == ()
    with_equivocal = segment_summary(findings, settings=SummarySettings(include_equivocal=True))
    assert with_equivocal.suggested_levels == ("L5",)


def test_min_groups_is_a_clinic_setting():
    findings = [Finding("SPI-PARASHORT", L, levels=("S1",)), Finding("MOT-WEAK", L, levels=("S1",))]
    assert segment_summary(findings, settings=SummarySettings(min_groups=3)).suggested_levels == ()
    assert segment_summary(findings, settings=SummarySettings(min_groups=1)).suggested_levels == ("S1",)


def test_worked_example_left_l5_radiculopathy():
    """Left L5: tender gluteus medius, EHL weak, diminished medial hamstring reflex, L4-5 paraspinal bands."""
    summary = segment_summary(
        [
            Finding("SEN-MOTORPOINT", L, muscle="gluteus-medius"),
            Finding("SPI-PARASHORT", L, levels=("L5",)),
            Finding("AUT-VASO", L, levels=("L5",), region_note="dorsum of foot"),
        ],
        reflex_results=[
            ReflexResult("medial-hamstring", L, ReflexGrade.DIMINISHED),
            ReflexResult("medial-hamstring", R, ReflexGrade.NORMAL),
        ],
        key_muscle_results=[KeyMuscleResult("L5", L, MrcGrade.GOOD_MINUS), KeyMuscleResult("L5", R, MrcGrade.NORMAL)],
        sensory_results=[SensoryResult("L5", L, SensoryModality.PINPRICK, SensoryScore.IMPAIRED, is_hyper=True)],
    )
    assert summary.suggested_levels == ("L5",)
    l5 = summary.level("L5")
    assert l5.suggested_sides == (L,)
    assert l5.group_counts == {"sensory": 2, "autonomic": 1, "motor": 1, "spinal": 1, "reflex": 1}
    assert l5.sides[0].supporting_groups == ("sensory", "autonomic", "motor", "spinal", "reflex")
    # Gluteus medius gives L4 and S1 half credit only, so they are listed but not suggested.
    assert summary.level("L4").sides[0].group_weights == {"sensory": 0.5}
    assert summary.level("S1") is not None and not summary.level("S1").is_suggested


def test_suggested_muscles_start_with_the_paraspinal_at_the_level():
    summary = segment_summary([Finding("SPI-PARASHORT", L, levels=("L5",)), Finding("MOT-WEAK", L, levels=("L5",))])
    first = summary.suggested_muscles[0]
    assert first.muscle == "lumbar-multifidus"
    assert first.is_paraspinal
    assert first.site_note == "L4-L5 multifidus"
    assert first.sides == (L,)
    codes = [s.muscle for s in summary.suggested_muscles]
    assert {"extensor-hallucis-digitorum-longus", "gluteus-medius", "piriformis", "tibialis-anterior"} <= set(codes)
    assert codes.index("gluteus-medius") < codes.index("tibialis-anterior")  # primary L5 before secondary L5
    assert not summary.suggested_muscles[codes.index("tibialis-anterior")].is_primary


def test_reflex_graded_0_or_1_is_evidence_without_the_other_side():
    summary = segment_summary(reflex_results=[ReflexResult("biceps", R, ReflexGrade.ABSENT)])
    assert [(e.level, e.side, e.weight) for e in summary.level("C5").evidence] == [("C5", R, 1.0)]
    assert summary.level("C6").evidence[0].weight == 0.5


def test_asymmetric_reflex_credits_the_side_further_from_normal():
    summary = segment_summary(
        reflex_results=[ReflexResult("triceps", L, ReflexGrade.NORMAL), ReflexResult("triceps", R, "3+")]
    )
    assert {e.side for e in summary.level("C7").evidence} == {R}


def test_symmetric_normal_reflexes_are_no_evidence():
    summary = segment_summary(
        reflex_results=[
            ReflexResult("patellar", L, ReflexGrade.NORMAL),
            ReflexResult("patellar", R, ReflexGrade.NORMAL),
            ReflexResult("achilles", L, ReflexGrade.NOT_TESTED),
        ]
    )
    assert summary.levels == ()


def test_a_reflex_given_twice_for_one_side_is_refused():
    with pytest.raises(ValueError, match="given twice"):
        segment_summary(
            reflex_results=[ReflexResult("biceps", L, ReflexGrade.NORMAL), ReflexResult("biceps", L, "1+")]
        )


def test_key_muscle_graded_4_plus_is_not_weak_by_default():
    results = [KeyMuscleResult("C7", L, MrcGrade.GOOD_PLUS)]
    assert segment_summary(key_muscle_results=results).levels == ()
    settings = SummarySettings(weakness_threshold=MrcGrade.GOOD_PLUS)
    assert segment_summary(key_muscle_results=results, settings=settings).level("C7") is not None


def test_segmental_muscle_findings_go_to_the_level_examined():
    summary = segment_summary([Finding("MOT-TAUTBAND", R, muscle="thoracic-multifidus-rotatores", levels=("T6",))])
    assert [level.level for level in summary.levels] == ["T6"]
    assert summary.level("T6").evidence[0].weight == 1.0


def test_region_only_findings_are_returned_unattributed():
    entheso = Finding("MOT-ENTHESO", L, region_note="lateral elbow")
    summary = segment_summary([entheso, Finding("VIS-ORGAN", B)])
    assert summary.levels == ()
    assert summary.unattributed[0] is entheso
    assert len(summary.unattributed) == 2


def test_tender_points_over_several_segments_are_derived():
    summary = segment_summary(
        [
            Finding("SEN-MOTORPOINT", L, muscle="deltoid"),  # C5
            Finding("SEN-MOTORPOINT", L, muscle="gluteus-medius"),  # L5
        ]
    )
    assert summary.tender_levels == ("C5", "L5")
    assert segment_summary([Finding("SEN-MOTORPOINT", L, muscle="deltoid")]).tender_levels == ("C5",)


def test_summary_levels_run_from_head_to_foot():
    summary = segment_summary(
        [Finding("SPI-SPINOUS", M, levels=("S1",)), Finding("SPI-SPINOUS", M, levels=("C2", "T10"))]
    )
    assert [level.level for level in summary.levels] == ["C2", "T10", "S1"]


def test_suggested_muscles_for_confirmed_levels_list_limb_muscles_once():
    suggestions = gunn_signs.suggested_muscles(["C6", "C5"], sides_by_level={"C5": [R], "C6": [R]})
    codes = [s.muscle for s in suggestions]
    assert codes[0] == "cervical-multifidus-rotatores"
    assert codes.count("deltoid") == 1
    deltoid = suggestions[codes.index("deltoid")]
    assert deltoid.levels == ("C5", "C6")
    assert deltoid.is_primary
    multifidus = [s for s in suggestions if s.muscle == "cervical-multifidus-rotatores"]
    assert [(s.levels, s.site_note) for s in multifidus] == [
        (("C5",), "C4-C5 level multifidus"),
        (("C6",), "C5-C6 level multifidus"),
    ]


def test_suggested_muscles_carry_precaution_tags():
    suggestions = {s.muscle: s for s in gunn_signs.suggested_muscles(["T4"])}
    assert "THORAX" in suggestions["intercostals"].precautions
    assert suggestions["thoracic-multifidus-rotatores"].is_paraspinal


def test_no_paraspinal_is_suggested_below_s1():
    suggestions = gunn_signs.suggested_muscles(["S2"])
    assert not any(s.is_paraspinal for s in suggestions)
    assert "gastrocnemius" in {s.muscle for s in suggestions}
