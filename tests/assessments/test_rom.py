"""Normal ranges of motion and the % of reference helpers against clinical-reference.md 3.5-3.8."""

import pytest

from assessments import rom
from assessments.rom import Joint, Movement, ReferenceSet, RomInstrument, RomRegion


def test_rules_version_is_recorded():
    assert rom.RULES_VERSION == "2026.1"


def test_each_joint_movement_appears_once():
    keys = [(n.joint, n.movement) for n in rom.ROM_NORMS]
    assert len(keys) == len(set(keys))


def test_tables_have_the_rows_of_sections_3_6_to_3_8():
    def region(name):
        return [n for n in rom.ROM_NORMS if n.region is name]

    assert len(region(RomRegion.UPPER_EXTREMITY)) == 13
    assert len(region(RomRegion.LOWER_EXTREMITY)) == 12
    assert {n.joint for n in region(RomRegion.SPINE)} == {
        Joint.CERVICAL, Joint.THORACOLUMBAR, Joint.LUMBAR,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("joint", "movement", "aaos", "ama"),
    [("shoulder", "flexion", 180, 180), ("shoulder", "extension", 60, 50), ("shoulder", "abduction", 180, 170),
     ("shoulder", "internal_rotation", 70, 80), ("shoulder", "external_rotation", 90, 60),
     ("elbow", "flexion", 150, 140), ("forearm", "supination", 80, 80), ("wrist", "flexion", 80, 60),
     ("wrist", "ulnar_deviation", 30, 30)],
)  # fmt: skip
def test_upper_extremity_values_follow_norkin_and_white(joint, movement, aaos, ama):
    assert rom.reference_value(joint, movement, ReferenceSet.AAOS).degrees == aaos
    ama_value = rom.reference_value(joint, movement, ReferenceSet.AMA)
    assert ama_value.degrees == ama
    assert ama_value.is_minimum
    assert ama_value.sources == ("R1",)


def test_upper_extremity_keeps_the_va_and_merck_columns():
    assert rom.reference_value("shoulder", "internal_rotation", ReferenceSet.VA).degrees == 90
    assert rom.reference_value("wrist", "ulnar_deviation", ReferenceSet.VA).degrees == 45
    assert rom.reference_value("shoulder", "extension", ReferenceSet.MERCK).degrees == 50


def test_shoulder_rotation_carries_its_test_position():
    assert "abducted to 90" in rom.rom_norm("shoulder", "external_rotation").note


@pytest.mark.parametrize(
    ("joint", "movement", "merck", "va", "aaos"),
    [("hip", "flexion", 125, 125, 120), ("hip", "extension", 15, 30, 30), ("hip", "external_rotation", 45, 60, 45),
     ("knee", "flexion", 130, 140, 135), ("ankle", "plantarflexion", 50, 45, 50)],
)  # fmt: skip
def test_lower_extremity_values_keep_each_source(joint, movement, merck, va, aaos):
    assert rom.reference_value(joint, movement, ReferenceSet.MERCK).degrees == merck
    assert rom.reference_value(joint, movement, ReferenceSet.VA).degrees == va
    assert rom.reference_value(joint, movement, ReferenceSet.AAOS).degrees == aaos


def test_lower_extremity_aaos_values_are_marked_unverified():
    assert not rom.reference_value("knee", "flexion", ReferenceSet.AAOS).is_verified
    assert rom.reference_value("knee", "flexion", ReferenceSet.MERCK).is_verified


def test_foot_eversion_differs_between_merck_and_the_ankle_study():
    assert rom.reference_value("foot", "eversion", ReferenceSet.MERCK).degrees == 25
    assert rom.reference_value("foot", "eversion", ReferenceSet.WJO_2017).degrees == 15


def test_missing_source_values_are_refused():
    with pytest.raises(ValueError, match="merck reference set has no value for Hip adduction"):
        rom.reference_value("hip", "adduction", ReferenceSet.MERCK)
    with pytest.raises(ValueError, match="va reference set has no value for Foot inversion"):
        rom.reference_value("foot", "inversion", ReferenceSet.VA)


@pytest.mark.parametrize(
    ("joint", "movement", "default"),
    [("cervical", "flexion", 50), ("cervical", "extension", 60), ("cervical", "lateral_flexion", 45),
     ("cervical", "rotation", 80), ("lumbar", "flexion", 60), ("lumbar", "extension", 25),
     ("lumbar", "lateral_flexion", 25), ("thoracolumbar", "flexion", 90)],
)  # fmt: skip
def test_spine_default_is_the_suggested_default_of_section_3_8(joint, movement, default):
    assert rom.reference_value(joint, movement).degrees == default


def test_spine_keeps_each_sources_cervical_extension():
    norm = rom.rom_norm("cervical", "extension")
    assert {ref: value.degrees for ref, value in norm.values.items()} == {
        ReferenceSet.MUSCOLINO: 80, ReferenceSet.AMA: 60, ReferenceSet.AAOS: 45, ReferenceSet.VA: 45,
        ReferenceSet.BONEANDSPINE: 70,
    }  # fmt: skip
    assert not norm.values[ReferenceSet.AMA].is_verified


def test_spine_ranges_are_kept_as_ranges():
    flexion = rom.reference_value("cervical", "flexion", ReferenceSet.BONEANDSPINE)
    assert (flexion.degrees, flexion.low, flexion.high) == (None, 80, 90)
    troke = rom.reference_value("lumbar", "flexion", ReferenceSet.TROKE_2005)
    assert (troke.low, troke.high) == (40, 73)


def test_lumbar_rotation_has_no_default():
    with pytest.raises(ValueError, match="no default normal value for Lumbar rotation"):
        rom.reference_value("lumbar", "rotation")


def test_spine_side_movements_are_measured_each_side():
    assert rom.rom_norm("cervical", "rotation").is_each_side
    assert not rom.rom_norm("cervical", "flexion").is_each_side


def test_upper_and_lower_defaults_are_aaos():
    assert rom.reference_value("shoulder", "abduction").degrees == 180
    assert rom.reference_value("hip", "flexion").degrees == 120
    assert rom.reference_value("foot", "eversion").degrees == 15


def test_percent_of_normal_against_the_default():
    assert rom.percent_of_normal("shoulder", "abduction", 90) == 50.0
    assert rom.percent_of_normal(Joint.LUMBAR, Movement.FLEXION, 45) == 75.0


def test_percent_of_normal_against_another_reference_set():
    assert rom.percent_of_normal("shoulder", "extension", 50, ReferenceSet.AMA) == 100.0
    assert rom.percent_of_normal("knee", "flexion", 130, ReferenceSet.VA) == pytest.approx(92.857, abs=0.001)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("elbow", "extension", 0), "0 degrees"),
        (("cervical", "flexion", 40, ReferenceSet.BONEANDSPINE), "gives a range"),
        (("shoulder", "flexion", -5), "must not be negative"),
        (("shoulder", "flexion", "90"), "must be a number"),
        (("shoulder", "flexion", float("nan")), "must be a number"),
        (("shoulder", "pronation", 90), "No normal range of motion"),
        (("neck", "flexion", 40), "No normal range of motion"),
    ],
)
def test_percent_of_normal_refuses_what_it_cannot_compute(args, message):
    with pytest.raises(ValueError, match=message):
        rom.percent_of_normal(*args)


def test_limited_below_80_percent_by_default():
    assert rom.DEFAULT_LIMITED_BELOW_PERCENT == 80.0
    assert rom.percent_of_normal("shoulder", "flexion", 140) < rom.DEFAULT_LIMITED_BELOW_PERCENT  # 77.8%
    assert rom.percent_of_normal("shoulder", "flexion", 144) == rom.DEFAULT_LIMITED_BELOW_PERCENT  # not below


def test_rom_conventions_record_mode_and_instrument():
    assert {mode.value for mode in rom.RomMode} == {"active", "passive"}
    assert RomInstrument.TAPE_MEASURE.unit == "cm"
    assert RomInstrument.INCLINOMETER.unit == "degrees"
