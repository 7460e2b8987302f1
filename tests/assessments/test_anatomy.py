"""Spinal levels, reflexes and the muscle catalogue against clinical-reference.md 2.2, 2.3 and Appendix A."""

import pytest

from assessments import anatomy
from assessments.anatomy import MuscleRegion, PrecautionTag, Region, Side

APPENDIX_A_LEVELS = [
    *[f"C{n}" for n in range(1, 9)],
    *[f"T{n}" for n in range(1, 13)],
    *[f"L{n}" for n in range(1, 6)],
    "S1", "S2", "S3", "S4-5",
]  # fmt: skip


def test_all_appendix_a_levels_are_present_in_order():
    assert list(anatomy.LEVEL_CODES) == APPENDIX_A_LEVELS
    assert list(anatomy.SPINAL_LEVELS) == APPENDIX_A_LEVELS


@pytest.mark.parametrize(
    ("code", "region"),
    [("C1", Region.CERVICAL), ("C8", Region.CERVICAL), ("T1", Region.THORACIC), ("T12", Region.THORACIC),
     ("L1", Region.LUMBAR), ("L5", Region.LUMBAR), ("S1", Region.SACRAL), ("S4-5", Region.SACRAL)],
)  # fmt: skip
def test_each_level_belongs_to_its_region(code, region):
    assert anatomy.spinal_level(code).region is region


def test_is_level_accepts_only_appendix_a_codes():
    assert anatomy.is_level("C5")
    assert anatomy.is_level("S4-5")
    for bad in ("c5", "S4", "S5", "C9", "T13", "L6", "", None, 5):
        assert not anatomy.is_level(bad)


def test_levels_compare_from_head_down():
    assert anatomy.level_index("C1") == 0
    assert anatomy.level_index("S4-5") == 28
    assert anatomy.level_index("C8") < anatomy.level_index("T1")


def test_level_range_includes_both_ends_across_regions():
    assert anatomy.level_range("C7", "T1") == ("C7", "C8", "T1")
    assert anatomy.level_range("L4", "S1") == ("L4", "L5", "S1")
    assert anatomy.level_range("S3", "S4-5") == ("S3", "S4-5")
    assert anatomy.level_range("T4", "T4") == ("T4",)


def test_level_range_refuses_a_reversed_range():
    with pytest.raises(ValueError, match="head down"):
        anatomy.level_range("L5", "L1")


def test_unknown_level_is_refused_with_the_valid_codes():
    with pytest.raises(ValueError, match="Unknown spinal level 'C9'"):
        anatomy.spinal_level("C9")


def test_sort_levels_removes_duplicates_and_orders():
    assert anatomy.sort_levels(["S1", "C5", "T10", "C5"]) == ("C5", "T10", "S1")


def test_sides_match_appendix_a():
    assert {side.value: side.label for side in Side} == {"L": "left", "R": "right", "B": "bilateral", "M": "midline"}


def test_c5_key_muscle_is_elbow_flexion():
    c5 = anatomy.spinal_level("C5")
    assert c5.asia_key_muscle == "Elbow flexors"
    assert "Shoulder abduction" in c5.key_muscle_test
    assert c5.key_sensory_point == "Lateral (radial) side of the antecubital fossa"
    assert c5.reflex.startswith("Biceps")
    assert c5.paraspinal_partner == "C4-C5 level multifidus"


@pytest.mark.parametrize(
    ("code", "key_muscle"),
    [("C5", "Elbow flexors"), ("C6", "Wrist extensors"), ("C7", "Elbow extensors"), ("C8", "Finger flexors"),
     ("T1", "Finger abductors"), ("L2", "Hip flexors"), ("L3", "Knee extensors"), ("L4", "Ankle dorsiflexors"),
     ("L5", "Long toe extensors"), ("S1", "Ankle plantar flexors")],
)  # fmt: skip
def test_asia_key_muscles_are_c5_to_t1_and_l2_to_s1(code, key_muscle):
    assert anatomy.spinal_level(code).asia_key_muscle == key_muscle


def test_levels_outside_asia_ranges_have_no_key_muscle():
    others = set(APPENDIX_A_LEVELS) - {"C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1"}
    assert all(anatomy.spinal_level(code).asia_key_muscle is None for code in others)


@pytest.mark.parametrize(
    ("code", "sensory_point"),
    [("C6", "Dorsal proximal phalanx of the thumb"), ("C7", "Dorsal proximal phalanx of the middle finger"),
     ("C8", "Dorsal proximal phalanx of the little finger"), ("T2", "Apex of the axilla"),
     ("T10", "Umbilicus, midclavicular line"), ("T12", "Midpoint of the inguinal ligament"),
     ("L3", "Medial femoral condyle"), ("L4", "Medial malleolus"),
     ("L5", "Dorsum of the foot at the 3rd MTP joint"), ("S1", "Lateral heel"), ("S2", "Popliteal fossa, midline"),
     ("S3", "Ischial tuberosity"), ("S4-5", "Perianal area (one combined level)")],
)  # fmt: skip
def test_key_sensory_points_follow_isncsci(code, sensory_point):
    assert anatomy.spinal_level(code).key_sensory_point == sensory_point


def test_c1_has_no_key_sensory_point_and_no_reflex():
    c1 = anatomy.spinal_level("C1")
    assert c1.key_sensory_point is None
    assert c1.reflex is None


def test_c8_and_t1_have_no_standard_reflex():
    assert anatomy.spinal_level("C8").reflex is None
    assert anatomy.spinal_level("T1").reflex is None
    assert [r.code for r in anatomy.REFLEXES.values() if "C8" in r.roots and r.is_standard] == ["triceps"]
    assert [r.code for r in anatomy.REFLEXES.values() if "T1" in r.roots] == []


def test_l5_reflex_is_the_medial_hamstring():
    assert anatomy.spinal_level("L5").reflex.startswith("Medial hamstring")
    assert anatomy.reflex("medial-hamstring").primary_roots == ("L5",)
    assert anatomy.reflex("medial-hamstring").is_standard


def test_s1_reflex_is_achilles():
    assert anatomy.spinal_level("S1").reflex.startswith("Achilles")
    assert anatomy.reflex("achilles").primary_roots == ("S1",)


def test_patellar_reflex_is_mainly_l4():
    patellar = anatomy.reflex("patellar")
    assert patellar.roots == ("L3", "L4")
    assert patellar.primary_roots == ("L4",)


def test_reflex_roots_are_valid_and_primary_among_them():
    for item in anatomy.REFLEXES.values():
        assert item.primary_roots
        assert set(item.primary_roots) <= set(item.roots)
        assert all(anatomy.is_level(code) for code in item.roots)


def test_unverified_reflexes_are_not_standard():
    standard = {code for code, item in anatomy.REFLEXES.items() if item.is_standard}
    assert standard == {"biceps", "brachioradialis", "triceps", "patellar", "medial-hamstring", "achilles"}


def test_thoracic_paraspinal_partners_warn_of_pneumothorax():
    for code in anatomy.level_range("T2", "T12"):
        assert "pneumothorax" in anatomy.spinal_level(code).paraspinal_partner


def test_s3_and_s4_5_have_no_paraspinal_partner():
    assert anatomy.spinal_level("S3").paraspinal_partner is None
    assert anatomy.spinal_level("S4-5").paraspinal_partner is None


def test_t4_sensory_point_is_at_the_nipple_line():
    assert "nipple" in anatomy.spinal_level("T4").key_sensory_point


def test_catalogue_holds_all_65_rows_of_section_2_3():
    numbers = [m.number for m in anatomy.MUSCLES.values()]
    assert numbers == list(range(1, 66))


def test_catalogue_rows_fall_in_the_three_tables():
    by_region = {region: [m.number for m in anatomy.MUSCLES.values() if m.region is region] for region in MuscleRegion}
    assert by_region[MuscleRegion.UPPER_QUARTER] == list(range(1, 36))
    assert by_region[MuscleRegion.TRUNK] == list(range(36, 44))
    assert by_region[MuscleRegion.LOWER_QUARTER] == list(range(44, 66))


def test_muscle_codes_are_unique_slugs():
    codes = [m.code for m in anatomy.MUSCLES.values()]
    assert len(codes) == len(set(codes))
    assert all(code == code.lower() and " " not in code for code in codes)


def test_every_muscle_primary_segment_is_a_valid_level_among_its_roots():
    for item in anatomy.MUSCLES.values():
        assert item.roots, item.code
        assert all(anatomy.is_level(code) for code in item.roots), item.code
        assert list(item.roots) == list(anatomy.sort_levels(item.roots)), item.code
        assert set(item.primary_roots) <= set(item.roots), item.code
        assert item.primary_roots, item.code


def test_every_precaution_tag_is_a_known_tag():
    for item in anatomy.MUSCLES.values():
        assert all(isinstance(tag, PrecautionTag) for tag in item.precautions), item.code
        assert len(set(item.precautions)) == len(item.precautions), item.code


def test_every_tag_has_its_description():
    assert set(anatomy.PRECAUTION_TAG_DESCRIPTIONS) == set(PrecautionTag)
    assert "pneumothorax" in PrecautionTag.THORAX.description
    assert "compressed" in PrecautionTag.DEEP.description


@pytest.mark.parametrize(
    ("code", "nerve", "roots", "primary"),
    [
        ("suboccipitals", "Suboccipital nerve (dorsal ramus of C1)", ("C1",), "C1"),
        ("levator-scapulae", "Dorsal scapular nerve (C5) plus cervical plexus (C3-C4)", ("C3", "C4", "C5"), "C4"),
        ("rhomboids", "Dorsal scapular nerve", ("C4", "C5"), "C5"),
        ("supraspinatus", "Suprascapular nerve", ("C5", "C6"), "C5"),
        ("teres-major", "Lower subscapular nerve", ("C5", "C6", "C7"), "C6"),
        ("subscapularis", "Upper and lower subscapular nerves", ("C5", "C6", "C7"), "C5"),
        ("latissimus-dorsi", "Thoracodorsal nerve", ("C6", "C7", "C8"), "C7"),
        ("pectoralis-minor", "Medial pectoral nerve", ("C6", "C7", "C8", "T1"), "C8"),
        ("serratus-anterior", "Long thoracic nerve", ("C5", "C6", "C7"), "C6"),
        ("brachioradialis", "Radial nerve", ("C5", "C6"), "C6"),
        ("coracobrachialis", "Musculocutaneous nerve", ("C6", "C7"), "C7"),
        ("flexor-carpi-ulnaris", "Ulnar nerve", ("C7", "C8"), "C8"),
        ("flexor-digitorum-superficialis", "Median nerve", ("C7", "C8", "T1"), "C8"),
        ("first-dorsal-interosseous", "Ulnar nerve (deep branch)", ("C8", "T1"), "T1"),
        ("quadratus-lumborum", "Ventral rami", ("T12", "L1", "L2", "L3", "L4"), "T12"),
        ("gluteus-maximus", "Inferior gluteal nerve", ("L5", "S1", "S2"), "S1"),
        ("gluteus-medius", "Superior gluteal nerve", ("L4", "L5", "S1"), "L5"),
        ("piriformis", "Nerve to piriformis", ("L5", "S1", "S2"), "S1"),
        ("adductor-magnus", "Obturator nerve plus tibial part of the sciatic nerve", ("L2", "L3", "L4"), "L4"),
        ("vastus-medialis", "Femoral nerve", ("L2", "L3", "L4"), "L4"),
        ("semitendinosus-semimembranosus", "Tibial part of the sciatic nerve", ("L4", "L5", "S1", "S2"), "L5"),
        ("tibialis-anterior", "Deep fibular (peroneal) nerve", ("L4", "L5"), "L4"),
        ("tibialis-posterior", "Tibial nerve", ("L4", "L5", "S1"), "L5"),
        ("gastrocnemius", "Tibial nerve", ("S1", "S2"), "S1"),
        ("extensor-digitorum-brevis-foot-intrinsics", "Deep fibular / medial and lateral plantar nerves",
         ("L5", "S1", "S2", "S3"), "S1"),
    ],
)  # fmt: skip
def test_muscle_nerve_roots_and_primary_segment_follow_the_catalogue(code, nerve, roots, primary):
    item = anatomy.muscle(code)
    assert item.nerve == nerve
    assert item.roots == roots
    assert item.primary_roots[0] == primary


@pytest.mark.parametrize(
    ("code", "tags"),
    [
        ("suboccipitals", {PrecautionTag.CANAL, PrecautionTag.NV}),
        ("upper-trapezius", {PrecautionTag.THORAX}),
        ("scalenes", {PrecautionTag.THORAX, PrecautionTag.NV}),
        ("deltoid", set()),
        ("rectus-abdominis-obliques", {PrecautionTag.VISCERA}),
        ("quadratus-lumborum", {PrecautionTag.DEEP, PrecautionTag.VISCERA, PrecautionTag.THORAX}),
        ("iliopsoas", {PrecautionTag.DEEP, PrecautionTag.VISCERA, PrecautionTag.NV}),
        ("lumbar-multifidus", {PrecautionTag.CANAL}),
        ("tibialis-anterior", {PrecautionTag.NV, PrecautionTag.DEEP}),
        ("soleus", {PrecautionTag.DEEP, PrecautionTag.NV}),
        ("thoracic-multifidus-rotatores", {PrecautionTag.THORAX, PrecautionTag.CANAL}),
    ],
)
def test_muscle_precaution_tags_follow_the_catalogue(code, tags):
    assert set(anatomy.muscle(code).precautions) == tags


def test_bold_ranges_give_several_primary_roots():
    assert anatomy.muscle("tensor-fasciae-latae").primary_roots == ("L4", "L5")
    assert anatomy.muscle("pectoralis-major").primary_roots == ("C5", "C6", "C7", "C8")
    assert anatomy.muscle("pectoralis-major").roots[-1] == "T1"
    assert anatomy.muscle("iliopsoas").primary_roots == ("L1", "L2", "L3")


def test_trapezius_is_also_supplied_by_the_accessory_nerve():
    assert anatomy.muscle("upper-trapezius").cranial_nerve == "CN XI"
    assert anatomy.muscle("sternocleidomastoid").cranial_nerve == "CN XI"


def test_rhomboids_group_by_their_own_roots_not_where_they_sit():
    assert "T2" not in anatomy.muscle("rhomboids").roots
    assert anatomy.muscle("rhomboids") not in anatomy.muscles_for_level("T2")


def test_segmental_muscles_are_the_level_needled_rows():
    segmental = {m.code for m in anatomy.MUSCLES.values() if m.is_segmental}
    assert segmental == {
        "cervical-multifidus-rotatores", "thoracic-erector-spinae", "thoracic-multifidus-rotatores",
        "intercostals", "lumbar-erector-spinae", "lumbar-multifidus",
    }  # fmt: skip
    assert anatomy.muscle("intercostals").roots == anatomy.level_range("T1", "T11")
    assert anatomy.muscle("lumbar-multifidus").roots == anatomy.level_range("L1", "S1")


def test_muscle_lookup_refuses_an_unknown_code():
    with pytest.raises(ValueError, match="Unknown muscle code 'biceps'"):
        anatomy.muscle("biceps")


def test_muscles_for_c5_list_primary_c5_muscles_first():
    found = anatomy.muscles_for_level("C5")
    codes = [m.code for m in found]
    assert {"deltoid", "supraspinatus", "biceps-brachii", "rhomboids", "brachioradialis"} <= set(codes)
    primaries = [m for m in found if "C5" in m.primary_roots]
    assert list(found[: len(primaries)]) == primaries
    assert codes.index("deltoid") < codes.index("brachioradialis")


def test_muscles_for_l5_include_the_l5_row_of_section_2_2():
    codes = {m.code for m in anatomy.muscles_for_level("L5")}
    assert {
        "extensor-hallucis-digitorum-longus", "gluteus-medius", "gluteus-minimus", "tensor-fasciae-latae",
        "semitendinosus-semimembranosus", "biceps-femoris", "fibularis-longus-brevis", "tibialis-posterior",
        "piriformis",
    } <= codes  # fmt: skip


def test_no_muscle_is_needled_at_s4_5():
    assert anatomy.muscles_for_level("S4-5") == ()


def test_paraspinal_site_follows_the_region():
    assert anatomy.paraspinal_muscle_for_level("C1").code == "suboccipitals"
    assert anatomy.paraspinal_muscle_for_level("C6").code == "cervical-multifidus-rotatores"
    assert anatomy.paraspinal_muscle_for_level("T6").code == "thoracic-multifidus-rotatores"
    assert anatomy.paraspinal_muscle_for_level("S1").code == "lumbar-multifidus"
    assert anatomy.paraspinal_muscle_for_level("S2") is None


def test_muscles_with_thorax_tag_include_the_chest_wall_muscles():
    codes = {m.code for m in anatomy.MUSCLES.values() if PrecautionTag.THORAX in m.precautions}
    assert {"serratus-anterior", "intercostals", "rhomboids", "pectoralis-major"} <= codes
    assert "deltoid" not in codes


def test_catalogue_is_immutable():
    with pytest.raises(TypeError):
        anatomy.MUSCLES["x"] = anatomy.muscle("deltoid")
    with pytest.raises(AttributeError):
        anatomy.muscle("deltoid").name = "changed"
