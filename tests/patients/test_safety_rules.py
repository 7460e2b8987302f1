"""The pre-visit safety questionnaire, its flag rules and consent text against clinical-reference.md 5, 6 and 7."""

import dataclasses
from datetime import date, timedelta

import pytest

from patients import safety_rules as rules
from patients.safety_rules import (
    AffectedArea,
    AnswerType,
    BodyRegion,
    DrugClass,
    FlagCode,
    SafetySettings,
    Severity,
    consent_risks,
    evaluate,
    is_complete,
    validate_answers,
    visible_questions,
)

TODAY = date(2026, 3, 2)

ALL_NO = {
    "Q0_2": "1980-05-17",
    "A1": "no",
    "B1": "no",
    "B2": ["none"],
    "C1": "no",
    "D1": "no",
    "E1": ["none"],
    "F1": "no",
    "F2": "no",
    "F3": "no",
    "F4": "no",
    "G1": ["none"],
    "G2": "no",
    "H1": "no",
    "H2": "no",
    "H3": ["none"],
    "H4": ["none"],
    "H5": "no",
    "H6": "no",
    "H7": "no",
    "H8": "no",
    "H9": "no",
    "H10": "no",
    "H11": "no",
    "H12": "no",
    "Z1": True,
    "Z1_NAME": "Ana Lee",
}

WARFARIN = {"A1": "yes", "A2": ["warfarin"]}

APPENDIX_A_SEVERITIES = ["HOLD", "HIGH", "MODERATE", "LOW", "INFO", "CLARIFY"]

REFERENCE_FLAG_CODES = {
    "BLEED_ANTICOAGULANT", "BLEED_ANTICOAG_UNKNOWN", "INR_UNKNOWN_OR_STALE", "INR_ABOVE_RANGE", "BLEED_ANTIPLATELET",
    "BLEED_COMBINED", "BLEED_NSAID", "BLEED_SSRI", "BLEED_SUPPLEMENT", "SUPPLEMENT_NOTE", "BLEED_DISORDER",
    "MARROW_OR_IMMUNE", "BLEED_LIVER", "BLEED_RENAL", "BLEED_HISTORY", "BLEED_HISTORY_MINOR", "FAMILY_BLEEDING",
    "SCREEN_INCOMPLETE", "PREGNANCY", "LYMPHOEDEMA_SITE", "LYMPHOEDEMA_UNSPECIFIED", "METAL_ALLERGY", "LATEX_ALLERGY",
    "IMPLANT_SITE", "EPILEPSY", "DIABETES_UNCONTROLLED", "DIABETES", "CARDIAC_VALVE_OR_SURGERY", "RECENT_SURGERY",
    "THORAX_RISK", "SKIN_SITE", "NEEDLE_PHOBIA", "VASOVAGAL", "PRIOR_REACTION", "SCREEN_STALE", "SCREEN_UNCONFIRMED",
}  # fmt: skip


def answers(**changes: object) -> dict[str, object]:
    return {**ALL_NO, **changes}


def run(settings: SafetySettings = rules.DEFAULT_SETTINGS, **changes: object) -> rules.Evaluation:
    return evaluate(answers(**changes), settings=settings, today=TODAY)


def flag(evaluation: rules.Evaluation, code: str) -> rules.Flag:
    found = evaluation.get(code)
    assert found is not None, f"{code} not raised; got {evaluation.codes}"
    return found


def visible_codes(given: dict[str, object]) -> set[str]:
    return {question.code for question in visible_questions(given)}


# ---------------------------------------------------------------------------------------------------------------------
# Definition
# ---------------------------------------------------------------------------------------------------------------------


def test_rules_version_is_recorded_on_every_evaluation():
    assert rules.RULES_VERSION == "2026.1"
    assert run().rules_version == rules.RULES_VERSION


def test_severities_are_those_of_appendix_a():
    assert [severity.value for severity in Severity] == APPENDIX_A_SEVERITIES
    assert set(rules.RISK_LEVEL_MEANINGS) == set(Severity)


def test_stored_severity_choices_run_from_hold_down_to_information():
    assert rules.SEVERITY_CHOICES == (
        ("HOLD", "Hold"),
        ("HIGH", "High"),
        ("CLARIFY", "Clarify"),
        ("MODERATE", "Moderate"),
        ("LOW", "Low"),
        ("INFO", "Information"),
    )


def test_flag_codes_are_exactly_those_of_the_reference():
    assert {code.value for code in FlagCode} == REFERENCE_FLAG_CODES


def test_every_flag_has_staff_wording_citing_the_reference():
    assert [definition.rule for definition in rules.FLAG_DEFINITIONS] == [f"R{n:02d}" for n in range(1, 37)]
    for definition in rules.FLAG_DEFINITIONS:
        assert definition.title and definition.why and definition.action
        assert "(5." in definition.why or "(5." in definition.action, definition.code


def test_every_question_code_is_unique():
    codes = [question.code for question in rules.QUESTIONS]
    assert len(codes) == len(set(codes))


def test_every_question_id_of_the_reference_is_present():
    expected = {"Q0.1", "Q0.2", "A1", "A2", "A3", "A4", "A5", "B1", "B2", "C1", "D1", "E1", "F1", "F2", "F3", "F4"}
    expected |= {"G1", "G2", "G3", "Z1", *(f"H{n}" for n in range(1, 14))}
    assert {question.reference_id for question in rules.QUESTIONS} == expected


def test_every_follow_up_depends_on_an_earlier_question():
    seen: set[str] = set()
    for question in rules.QUESTIONS:
        for condition in question.show_if:
            assert condition.parent in seen, question.code
        seen.add(question.code)


def test_yes_no_questions_offer_yes_no_and_not_sure():
    for question in rules.QUESTIONS:
        if question.answer_type is AnswerType.YES_NO_NOT_SURE:
            assert [option.label for option in question.options] == ["Yes", "No", "Not sure"]


def test_questions_are_grouped_in_the_sections_of_the_reference():
    titles = [section.title for section in rules.SECTIONS]
    assert titles == [
        "Start", "Identity", "Blood thinners", "Warfarin", "Platelet medicines", "Pain medicines", "Mood medicines",
        "Supplements", "Bleeding history", "Conditions", "Other safety", "Confirm",
    ]  # fmt: skip


def test_definitions_cannot_be_changed():
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.QUESTIONS[0].text = "changed"  # type: ignore[misc]  # the frozen field, assigned on purpose


# ---------------------------------------------------------------------------------------------------------------------
# Visibility of follow-ups
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a1", "is_shown"), [("yes", True), ("not_sure", True), ("no", False), (None, False)])
def test_blood_thinner_names_are_asked_after_yes_or_not_sure(a1, is_shown):
    assert ("A2" in visible_codes({"A1": a1})) is is_shown


def test_inr_questions_appear_only_when_warfarin_is_chosen():
    assert {"A3", "A4", "A5"} <= visible_codes(WARFARIN)
    assert not {"A3", "A4", "A5"} & visible_codes({"A1": "yes", "A2": ["apixaban"]})


def test_a_follow_up_is_hidden_when_its_parent_is_hidden():
    assert not {"A2", "A3"} & visible_codes({"A1": "no", "A2": ["warfarin"]})


def test_blood_count_date_is_asked_for_low_platelets_or_recent_treatment():
    assert "G3" in visible_codes({"G1": ["low_platelets"]})
    assert "G3" in visible_codes({"G2": "yes"})
    assert "G3" not in visible_codes({"G1": ["kidney_disease"], "G2": "no"})


def test_other_text_is_asked_only_when_other_is_chosen():
    assert "B2_OTHER" in visible_codes({"B2": ["other"]})
    assert "B2_OTHER" not in visible_codes({"B2": ["clopidogrel"]})


def test_diabetes_control_is_asked_after_a_yes():
    assert "H6_CONTROL" in visible_codes({"H6": "yes"})
    assert "H6_CONTROL" not in visible_codes({"H6": "not_sure"})


def test_lymphoedema_location_is_asked_after_a_yes():
    assert "H2_WHERE" in visible_codes({"H2": "yes"})
    assert "H2_OTHER" in visible_codes({"H2": "yes", "H2_WHERE": ["other"]})
    assert "H2_WHERE" not in visible_codes({"H2": "no"})


def test_sections_without_applicable_questions_are_left_out():
    assert "warfarin" not in [section.code for section in rules.visible_sections(ALL_NO)]
    assert "warfarin" in [section.code for section in rules.visible_sections(answers(**WARFARIN))]


# ---------------------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------------------


def validate(**changes: object) -> dict[str, str]:
    return validate_answers(answers(**changes), today=TODAY)


def test_a_complete_set_of_answers_is_valid():
    assert validate() == {}
    assert is_complete(ALL_NO, today=TODAY)


def test_a_missing_required_answer_is_reported():
    given = answers()
    del given["B1"]
    assert validate_answers(given, today=TODAY) == {"B1": "Please choose Yes, No or Not sure."}
    assert not is_complete(given, today=TODAY)


def test_a_missing_multi_choice_answer_names_its_none_option():
    assert validate(H4=[])["H4"] == "Please choose at least one answer, or “No implants”."


def test_optional_answers_can_be_skipped():
    assert validate(**WARFARIN) == {}


def test_a_required_follow_up_is_reported_when_shown():
    assert validate(A1="yes")["A2"] == "Please choose at least one answer."


def test_answers_to_questions_that_do_not_apply_are_not_validated():
    assert validate(A3="not a number") == {}


def test_a_yes_no_answer_of_the_wrong_type_is_reported():
    assert validate(C1=True)["C1"] == "Please choose Yes, No or Not sure."


def test_a_multi_choice_given_as_text_is_reported():
    assert validate(E1="garlic")["E1"] == "Please choose from the list."


def test_an_option_that_is_not_offered_is_reported():
    assert validate(E1=["garlic", "unicorn"])["E1"] == "Please choose only from the list."


def test_none_cannot_be_chosen_with_another_answer():
    assert validate(H3=["none", "latex"])["H3"] == "“None” cannot be chosen together with other answers."


def test_other_without_a_typed_name_is_reported():
    assert validate(B2=["other"])["B2_OTHER"] == "Please type what you meant by “Other”, or untick it."


def test_a_number_that_is_not_a_number_is_reported():
    assert validate(**WARFARIN, A3="two")["A3"] == "Please enter a number, for example 2.5."


def test_an_inr_outside_the_plausible_range_is_reported():
    assert validate(**WARFARIN, A3=45)["A3"] == "Please check this number. It should be between 0.5 and 20."


def test_an_inr_with_two_decimals_is_reported():
    assert validate(**WARFARIN, A3="2.45")["A3"] == "Please use at most 1 decimal place, for example 2.5."


def test_an_inr_typed_as_text_is_accepted():
    assert validate(**WARFARIN, A3="2.4") == {}


def test_an_inr_target_range_must_be_two_numbers_or_dont_know():
    assert validate(**WARFARIN, A5="2 to 3")["A5"].startswith("Please enter two numbers")
    assert validate(**WARFARIN, A5="dont_know") == {}
    assert validate(**WARFARIN, A5=(2, 3)) == {}


def test_an_inr_target_range_must_go_from_low_to_high():
    assert validate(**WARFARIN, A5=(3, 2))["A5"] == "The first number should be lower than the second."


def test_an_inr_target_range_outside_the_plausible_range_is_reported():
    assert validate(**WARFARIN, A5=(2, 9))["A5"] == "Please check this number. It should be between 1 and 5."


def test_a_date_that_is_not_a_date_is_reported():
    assert validate(**WARFARIN, A4="yesterday")["A4"] == "Please enter a real date, for example 2026-03-14."


def test_an_inr_test_date_in_the_future_is_reported():
    assert validate(**WARFARIN, A4=TODAY + timedelta(days=1))["A4"] == "This date is in the future. Please check it."


def test_a_date_of_birth_in_the_future_is_reported():
    assert validate(Q0_2="2030-01-01")["Q0_2"] == "Your date of birth cannot be in the future."


def test_a_date_of_birth_that_does_not_match_the_booking_is_reported():
    given = answers()
    assert validate_answers(given, today=TODAY, expected_date_of_birth=date(1980, 5, 17)) == {}
    errors = validate_answers(given, today=TODAY, expected_date_of_birth=date(1981, 5, 17))
    assert errors == {
        "Q0_2": "This date of birth does not match the one the clinic has. Please check it, or call the clinic."
    }


def test_text_over_500_characters_is_reported():
    assert validate(H13="x" * 501)["H13"] == "Please keep this under 500 characters (it has 501)."
    assert validate(H13="x" * 500) == {}


def test_text_of_the_wrong_type_is_reported():
    assert validate(H13=42)["H13"] == "Please type your answer as text."


def test_a_missing_confirmation_is_reported():
    assert validate(Z1=False) == {"Z1": "Please tick the box to confirm your answers."}


def test_a_missing_typed_name_is_reported():
    assert validate(Z1_NAME="  ") == {"Z1_NAME": "Please type your full name to confirm."}


# ---------------------------------------------------------------------------------------------------------------------
# Medication and condition lists (5.2, 5.3)
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "generic_name"),
    [
        ("Coumadin 5 mg", "warfarin"),
        ("warfarin", "warfarin"),
        ("ELIQUIS", "apixaban"),
        ("xarelto daily", "rivaroxaban"),
        ("Pradaxa", "dabigatran"),
        ("Savaysa", "edoxaban"),
        ("Lovenox shots", "enoxaparin"),
        ("Plavix", "clopidogrel"),
        ("ASA 81mg", "aspirin"),
        ("Advil when needed", "ibuprofen"),
        ("Aleve", "naproxen"),
        ("Celebrex", "celecoxib"),
        ("NSAIDs", "NSAID"),
        ("sertraline", "sertraline"),
        ("duloxetine", "duloxetine"),
        ("fish oil", "fish oil"),
        ("Omega-3 capsules", "fish oil"),
        ("St John\u2019s Wort", "St John's wort"),  # a typographic apostrophe, as phones type it
        ("ginkgo", "ginkgo biloba"),
        ("glucosamine", "chondroitin-glucosamine"),
        ("prednisone for 2 months", "prednisone"),
    ],
)
def test_medications_are_found_by_generic_or_brand_name_in_any_case(text, generic_name):
    assert generic_name in [medication.generic_name for medication in rules.find_medications(text)]


@pytest.mark.parametrize("text", ["my casa", "gingerly", "basal insulin", "metformin"])
def test_medication_names_match_whole_words_only(text):
    assert rules.find_medications(text) == ()


def test_every_medication_class_has_its_reference_information():
    assert set(rules.DRUG_CLASS_INFO) == set(DrugClass)
    assert {medication.drug_class for medication in rules.MEDICATIONS} == set(DrugClass)


def test_conditions_are_found_in_typed_text():
    codes = [condition.code for condition in rules.find_conditions("Hemophilia A and cirrhosis")]
    assert codes == [rules.ConditionCode.HAEMOPHILIA, rules.ConditionCode.CIRRHOSIS]


# ---------------------------------------------------------------------------------------------------------------------
# Flag rules (5.7)
# ---------------------------------------------------------------------------------------------------------------------


def test_all_no_answers_raise_no_flags():
    evaluation = run()
    assert evaluation.flags == ()
    assert evaluation.risk_level is None


def test_blood_thinner_yes_is_high_bleed_risk():
    found = flag(run(A1="yes", A2=["apixaban"]), "BLEED_ANTICOAGULANT")
    assert found.severity is Severity.HIGH
    assert "A1 (blood thinner): Yes" in found.reason
    assert "Apixaban (Eliquis)" in found.reason


def test_a_blood_thinner_named_in_free_text_is_high_bleed_risk_even_after_no():
    found = flag(run(H13="I take Eliquis twice a day"), "BLEED_ANTICOAGULANT")
    assert found.severity is Severity.HIGH
    assert "H13 (other conditions or medicines) names apixaban (Eliquis)" in found.reason


def test_answers_to_questions_that_do_not_apply_raise_no_flags():
    assert run(A1="no", A2=["warfarin"], A3=9.0).flags == ()


def test_not_sure_about_blood_thinners_needs_clarifying():
    evaluation = run(A1="not_sure", A2=["unknown"])
    assert flag(evaluation, "BLEED_ANTICOAG_UNKNOWN").severity is Severity.CLARIFY
    assert "BLEED_ANTICOAGULANT" not in evaluation.codes


def test_an_unknown_blood_thinner_name_needs_clarifying_as_well_as_high_risk():
    evaluation = run(A1="yes", A2=["unknown"])
    assert {"BLEED_ANTICOAGULANT", "BLEED_ANTICOAG_UNKNOWN"} <= set(evaluation.codes)


def test_a_named_blood_thinner_after_not_sure_is_high_risk_without_asking_its_name():
    evaluation = run(A1="not_sure", A2=["rivaroxaban"])
    assert "BLEED_ANTICOAGULANT" in evaluation.codes
    assert "BLEED_ANTICOAG_UNKNOWN" not in evaluation.codes


def test_warfarin_without_an_inr_result_is_flagged_unknown():
    found = flag(run(**WARFARIN), "INR_UNKNOWN_OR_STALE")
    assert found.severity is Severity.HIGH
    assert "A3 (latest INR): not answered" in found.reason


def test_warfarin_with_an_undated_inr_is_flagged_unknown():
    assert "INR_UNKNOWN_OR_STALE" in run(**WARFARIN, A3=2.5, A5=(2, 3)).codes


def test_warfarin_with_an_old_inr_is_flagged_stale():
    found = flag(run(**WARFARIN, A3=2.5, A4=TODAY - timedelta(days=8), A5=(2, 3)), "INR_UNKNOWN_OR_STALE")
    assert "8 days ago, older than the clinic limit of 7 days" in found.reason


def test_warfarin_with_a_recent_inr_in_range_raises_no_inr_flag():
    evaluation = run(**WARFARIN, A3=2.5, A4=TODAY - timedelta(days=7), A5=(2, 3))
    assert not {"INR_UNKNOWN_OR_STALE", "INR_ABOVE_RANGE"} & set(evaluation.codes)


def test_inr_recency_limit_comes_from_settings():
    settings = SafetySettings(inr_max_age_days=14)
    evaluation = run(settings, **WARFARIN, A3=2.5, A4=TODAY - timedelta(days=10), A5=(2, 3))
    assert "INR_UNKNOWN_OR_STALE" not in evaluation.codes


def test_another_vitamin_k_antagonist_typed_in_needs_an_inr_too():
    evaluation = run(A1="yes", A2=["other"], A2_OTHER="acenocoumarol")
    assert {"BLEED_ANTICOAGULANT", "INR_UNKNOWN_OR_STALE"} <= set(evaluation.codes)


def test_warfarin_with_recent_inr_above_target_range_is_on_hold():
    evaluation = run(**WARFARIN, A3=3.4, A4=TODAY, A5=(2, 3))
    found = flag(evaluation, "INR_ABOVE_RANGE")
    assert found.severity is Severity.HOLD
    assert found.reason == "A3 (latest INR): 3.4 is above the upper bound of A5 (INR target range): 2 to 3"
    assert evaluation.risk_level is Severity.HOLD


def test_inr_at_the_top_of_the_target_range_is_not_held():
    assert "INR_ABOVE_RANGE" not in run(**WARFARIN, A3=3.0, A4=TODAY, A5=(2, 3)).codes


def test_patients_own_target_range_is_used_over_the_clinic_default():
    assert "INR_ABOVE_RANGE" not in run(**WARFARIN, A3=3.4, A4=TODAY, A5=(2.5, 3.5)).codes


def test_clinic_default_inr_limit_applies_when_the_range_is_unknown():
    found = flag(run(**WARFARIN, A3=3.1, A4=TODAY, A5="dont_know"), "INR_ABOVE_RANGE")
    assert "the clinic default of 3 (target range unknown)" in found.reason


def test_default_inr_limit_comes_from_settings():
    settings = SafetySettings(inr_default_upper_limit=3.5)
    assert "INR_ABOVE_RANGE" not in run(settings, **WARFARIN, A3=3.1, A4=TODAY, A5="dont_know").codes


def test_regular_aspirin_alone_is_a_moderate_antiplatelet_flag():
    found = flag(run(B1="yes"), "BLEED_ANTIPLATELET")
    assert found.severity is Severity.MODERATE
    assert found.reason == "B1 (aspirin): Yes"


def test_clopidogrel_alone_is_a_moderate_antiplatelet_flag():
    assert flag(run(B2=["clopidogrel"]), "BLEED_ANTIPLATELET").severity is Severity.MODERATE


def test_antiplatelet_with_anticoagulant_is_combined_not_antiplatelet():
    evaluation = run(A1="yes", A2=["apixaban"], B1="yes")
    assert flag(evaluation, "BLEED_COMBINED").severity is Severity.HIGH
    assert "BLEED_ANTIPLATELET" not in evaluation.codes


def test_anticoagulant_and_nsaid_are_combined_high_risk():
    found = flag(run(A1="yes", A2=["dabigatran"], C1="yes"), "BLEED_COMBINED")
    assert found.reason.startswith("2 classes (anticoagulant, NSAID)")


def test_aspirin_and_clopidogrel_are_dual_antiplatelet_high_risk():
    evaluation = run(B1="yes", B2=["clopidogrel"])
    assert flag(evaluation, "BLEED_COMBINED").reason.startswith("dual antiplatelet therapy")
    assert "BLEED_ANTIPLATELET" not in evaluation.codes


def test_the_same_antiplatelet_named_twice_is_not_dual_therapy():
    evaluation = run(B2=["clopidogrel"], H13="Plavix")
    assert "BLEED_COMBINED" not in evaluation.codes
    assert "BLEED_ANTIPLATELET" in evaluation.codes


def test_nsaid_and_ssri_without_an_antithrombotic_are_not_combined():
    assert "BLEED_COMBINED" not in run(C1="yes", D1="yes").codes


def test_regular_nsaid_alone_is_low():
    assert flag(run(C1="yes"), "BLEED_NSAID").severity is Severity.LOW


def test_nsaid_with_an_ssri_is_moderate():
    evaluation = run(C1="yes", D1="yes")
    assert flag(evaluation, "BLEED_NSAID").severity is Severity.MODERATE
    assert "BLEED_SSRI" not in evaluation.codes


def test_nsaid_with_aspirin_raises_no_separate_nsaid_flag():
    evaluation = run(C1="yes", B1="yes")
    assert "BLEED_NSAID" not in evaluation.codes
    assert "BLEED_COMBINED" in evaluation.codes


def test_ssri_alone_is_low():
    assert flag(run(D1="yes"), "BLEED_SSRI").severity is Severity.LOW


def test_ssri_named_in_text_counts_when_the_patient_was_not_sure():
    evaluation = run(D1="not_sure", D1_NAME="Sertraline")
    assert "BLEED_SSRI" in evaluation.codes


def test_garlic_pills_are_a_low_supplement_flag():
    assert flag(run(E1=["garlic"]), "BLEED_SUPPLEMENT").severity is Severity.LOW


def test_ginkgo_with_an_anticoagulant_is_a_moderate_supplement_flag():
    assert flag(run(A1="yes", A2=["apixaban"], E1=["ginkgo"]), "BLEED_SUPPLEMENT").severity is Severity.MODERATE


def test_glucosamine_with_an_antiplatelet_is_a_moderate_supplement_flag():
    assert flag(run(B1="yes", E1=["glucosamine_chondroitin"]), "BLEED_SUPPLEMENT").severity is Severity.MODERATE


def test_fish_oil_alone_is_only_noted():
    evaluation = run(E1=["fish_oil", "ginseng"])
    assert flag(evaluation, "SUPPLEMENT_NOTE").severity is Severity.INFO
    assert "BLEED_SUPPLEMENT" not in evaluation.codes


def test_turmeric_with_an_anticoagulant_is_a_low_note():
    assert flag(run(A1="yes", A2=["apixaban"], E1=["turmeric"]), "SUPPLEMENT_NOTE").severity is Severity.LOW


def test_a_high_risk_supplement_replaces_the_note():
    assert "SUPPLEMENT_NOTE" not in run(E1=["garlic", "fish_oil"]).codes


def test_a_typed_high_risk_herbal_product_is_flagged():
    evaluation = run(E1=["other"], E1_OTHER="hawthorn tea")
    assert "BLEED_SUPPLEMENT" in evaluation.codes
    assert "SUPPLEMENT_NOTE" not in evaluation.codes


def test_an_unrecognised_herbal_product_is_noted():
    assert "SUPPLEMENT_NOTE" in run(E1=["other"], E1_OTHER="nettle").codes


@pytest.mark.parametrize("condition", ["haemophilia", "von_willebrand"])
def test_a_bleeding_disorder_is_high_risk(condition):
    assert flag(run(G1=[condition]), "BLEED_DISORDER").severity is Severity.HIGH


@pytest.mark.parametrize("changes", [{"G1": ["low_platelets"]}, {"G1": ["blood_cancer"]}, {"G2": "yes"}])
def test_low_platelets_blood_cancer_or_immune_treatment_is_high_risk(changes):
    assert flag(run(**changes), "MARROW_OR_IMMUNE").severity is Severity.HIGH


def test_marrow_flag_reports_the_last_blood_count():
    found = flag(run(G1=["low_platelets"], G3="2026-02-01"), "MARROW_OR_IMMUNE")
    assert "G3 (last blood count): 2026-02-01" in found.reason


def test_blood_count_age_limit_comes_from_settings():
    settings = SafetySettings(blood_count_max_age_days=14)
    found = flag(run(settings, G1=["low_platelets"], G3="2026-02-01"), "MARROW_OR_IMMUNE")
    assert "no blood count within the clinic limit of 14 days" in found.reason


def test_liver_disease_is_moderate_and_cirrhosis_high():
    assert flag(run(G1=["liver_disease"]), "BLEED_LIVER").severity is Severity.MODERATE
    cirrhosis = run(G1=["liver_disease", "other"], G1_OTHER="cirrhosis")
    assert flag(cirrhosis, "BLEED_LIVER").severity is Severity.HIGH


def test_kidney_disease_is_moderate():
    assert flag(run(G1=["kidney_disease"]), "BLEED_RENAL").severity is Severity.MODERATE


def test_two_bleeding_signs_are_a_high_bleeding_history():
    evaluation = run(F1="yes", F2="yes")
    assert flag(evaluation, "BLEED_HISTORY").severity is Severity.HIGH
    assert "BLEED_HISTORY_MINOR" not in evaluation.codes


def test_bleeding_that_needed_treatment_is_a_high_bleeding_history():
    assert "BLEED_HISTORY" in run(F3="yes").codes


def test_one_bleeding_sign_is_a_moderate_bleeding_history():
    evaluation = run(F2="yes")
    assert flag(evaluation, "BLEED_HISTORY_MINOR").severity is Severity.MODERATE
    assert "BLEED_HISTORY" not in evaluation.codes


def test_family_bleeding_disorder_is_information_only():
    assert flag(run(F4="yes"), "FAMILY_BLEEDING").severity is Severity.INFO
    assert "SCREEN_INCOMPLETE" not in run(F4="not_sure").codes


@pytest.mark.parametrize("code", ["A1", "B1", "C1", "D1", "F1", "F2", "F3", "G2", "H5", "H9"])
def test_not_sure_answers_need_clarifying(code):
    found = flag(run(**{code: "not_sure"}), "SCREEN_INCOMPLETE")
    assert found.severity is Severity.CLARIFY
    assert f"{code} (" in found.reason


def test_not_sure_is_never_treated_as_no():
    assert run(B1="not_sure").risk_level is Severity.CLARIFY


def test_a_missing_answer_needs_clarifying():
    given = answers()
    del given["C1"]
    assert "not answered: C1" in flag(evaluate(given, today=TODAY), "SCREEN_INCOMPLETE").reason


@pytest.mark.parametrize("h1", ["yes", "possibly"])
def test_pregnancy_is_high_with_a_site_hold_on_abdomen_pelvis_and_low_back(h1):
    found = flag(run(H1=h1), "PREGNANCY")
    assert found.severity is Severity.HIGH
    assert found.site_severity is Severity.HOLD
    assert {area.region for area in found.areas} == {BodyRegion.ABDOMEN, BodyRegion.PELVIS, BodyRegion.LUMBOSACRAL}


def test_preferring_to_discuss_pregnancy_needs_clarifying():
    evaluation = run(H1="prefer_to_discuss")
    assert "PREGNANCY" not in evaluation.codes
    assert "H1 (pregnancy): Prefer to discuss" in flag(evaluation, "SCREEN_INCOMPLETE").reason


def test_lymphoedema_in_a_limb_holds_that_limb_and_its_quadrant_on_its_side():
    found = flag(run(H2="yes", H2_WHERE=["left_arm", "right_leg"]), "LYMPHOEDEMA_SITE")
    assert found.site_severity is Severity.HOLD
    # 5.4: never the affected limb or its quadrant; the other side stays open.
    assert found.areas == (
        AffectedArea(BodyRegion.UPPER_LIMB, "L"),
        AffectedArea(BodyRegion.SHOULDER, "L"),
        AffectedArea(BodyRegion.CHEST, "L"),
        AffectedArea(BodyRegion.LOWER_LIMB, "R"),
        AffectedArea(BodyRegion.BUTTOCK, "R"),
        AffectedArea(BodyRegion.PELVIS, "R"),
        AffectedArea(BodyRegion.ABDOMEN, "R"),
    )


def test_lymphoedema_elsewhere_keeps_the_patients_description():
    found = flag(run(H2="yes", H2_WHERE=["other"], H2_OTHER="left chest wall"), "LYMPHOEDEMA_SITE")
    assert found.areas == ()
    assert found.location_note == "left chest wall"


@pytest.mark.parametrize("changes", [{"H2": "yes"}, {"H2": "not_sure"}])
def test_lymphoedema_without_a_location_needs_clarifying(changes):
    evaluation = run(**changes)
    assert flag(evaluation, "LYMPHOEDEMA_UNSPECIFIED").severity is Severity.CLARIFY
    assert "LYMPHOEDEMA_SITE" not in evaluation.codes


def test_metal_allergy_is_moderate_and_latex_allergy_low():
    evaluation = run(H3=["metal", "latex"])
    assert flag(evaluation, "METAL_ALLERGY").severity is Severity.MODERATE
    assert flag(evaluation, "LATEX_ALLERGY").severity is Severity.LOW


def test_not_sure_about_allergies_needs_clarifying():
    assert "SCREEN_INCOMPLETE" in run(H3=["not_sure"]).codes


def test_an_implant_is_moderate_with_a_site_hold_to_be_mapped():
    found = flag(run(H4=["cosmetic_implant"], H4_WHERE="both breasts"), "IMPLANT_SITE")
    assert found.severity is Severity.MODERATE
    assert found.site_severity is Severity.HOLD
    assert found.location_note == "both breasts"


def test_no_implants_raises_no_implant_flag():
    assert "IMPLANT_SITE" not in run(H4=["none"]).codes


def test_epilepsy_is_moderate():
    assert flag(run(H5="yes"), "EPILEPSY").severity is Severity.MODERATE


@pytest.mark.parametrize(("control", "code", "severity"), [
    ("yes", "DIABETES", Severity.LOW),
    ("no", "DIABETES_UNCONTROLLED", Severity.MODERATE),
    ("not_sure", "DIABETES_UNCONTROLLED", Severity.MODERATE),
])  # fmt: skip
def test_diabetes_severity_follows_its_control(control, code, severity):
    assert flag(run(H6="yes", H6_CONTROL=control), code).severity is severity


def test_heart_valve_or_recent_heart_surgery_is_moderate():
    assert flag(run(H7="yes"), "CARDIAC_VALVE_OR_SURGERY").severity is Severity.MODERATE


def test_recent_surgery_is_moderate_with_a_site_review():
    found = flag(run(H8="yes", H8_WHERE="right knee"), "RECENT_SURGERY")
    assert (found.severity, found.site_severity, found.location_note) == (
        Severity.MODERATE,
        Severity.MODERATE,
        "right knee",
    )


def test_lung_disease_is_information_for_the_patient_and_high_at_thorax_sites():
    found = flag(run(H9="yes"), "THORAX_RISK")
    assert (found.severity, found.site_severity, found.site_tags) == (Severity.INFO, Severity.HIGH, ("THORAX",))


def test_a_skin_problem_holds_its_site():
    found = flag(run(H10="yes", H10_WHERE="rash on my neck"), "SKIN_SITE")
    assert found.site_severity is Severity.HOLD
    assert found.location_note == "rash on my neck"


@pytest.mark.parametrize(("h11", "codes"), [
    ("very_afraid", {"NEEDLE_PHOBIA"}),
    ("fainted_before", {"VASOVAGAL"}),
    ("both", {"NEEDLE_PHOBIA", "VASOVAGAL"}),
    ("no", set()),
])  # fmt: skip
def test_needle_fear_and_fainting(h11, codes):
    assert set(run(H11=h11).codes) == codes


def test_needle_phobia_is_a_hold():
    assert flag(run(H11="very_afraid"), "NEEDLE_PHOBIA").severity is Severity.HOLD


def test_a_bad_reaction_to_needling_is_moderate():
    found = flag(run(H12="yes", H12_DETAILS="I fainted"), "PRIOR_REACTION")
    assert found.severity is Severity.MODERATE
    assert "“I fainted”" in found.reason


def test_answers_older_than_the_clinic_limit_are_stale():
    old = TODAY - timedelta(days=91)
    assert "SCREEN_STALE" in evaluate(ALL_NO, today=TODAY, submitted_on=old).codes
    assert "SCREEN_STALE" not in evaluate(ALL_NO, today=TODAY, submitted_on=TODAY - timedelta(days=90)).codes


def test_answer_validity_comes_from_settings():
    settings = SafetySettings(answers_valid_days=30)
    assert "SCREEN_STALE" in evaluate(ALL_NO, settings=settings, today=TODAY, submitted_on=TODAY - timedelta(31)).codes


def test_a_change_since_screening_makes_the_answers_stale():
    assert "SCREEN_STALE" in evaluate(ALL_NO, today=TODAY, has_changed_since_screening=True).codes


def test_an_unticked_confirmation_is_unconfirmed():
    assert flag(run(Z1=False), "SCREEN_UNCONFIRMED").reason == "Z1: confirmation box not ticked"
    assert flag(run(Z1_NAME=""), "SCREEN_UNCONFIRMED").reason == "Z1: name not typed"


# ---------------------------------------------------------------------------------------------------------------------
# Risk level (5.5) and settings
# ---------------------------------------------------------------------------------------------------------------------


def test_risk_level_is_the_highest_severity():
    assert run(C1="yes", H5="yes").risk_level is Severity.MODERATE
    assert run(C1="yes", H5="yes", F3="yes").risk_level is Severity.HIGH


def test_clarify_outranks_moderate_but_not_high():
    assert run(H5="yes", B1="not_sure").risk_level is Severity.CLARIFY
    assert run(F3="yes", B1="not_sure").risk_level is Severity.HIGH


def test_a_site_hold_alone_does_not_hold_the_whole_patient():
    assert run(H2="yes", H2_WHERE=["left_arm"]).risk_level is Severity.MODERATE


def test_flags_come_out_in_rule_order():
    evaluation = run(A1="yes", A2=["warfarin"], H11="very_afraid", F4="yes", Z1=False)
    rule_numbers = [found.rule for found in evaluation.flags]
    assert rule_numbers == sorted(rule_numbers)


def test_severity_says_what_the_clinician_must_do():
    assert Severity.HOLD.needs_resolution and Severity.HIGH.needs_plan
    assert Severity.LOW.needs_acknowledgement and Severity.CLARIFY.needs_acknowledgement
    assert not Severity.INFO.needs_acknowledgement


def test_default_settings_are_the_reference_defaults():
    settings = rules.DEFAULT_SETTINGS
    assert (settings.inr_max_age_days, settings.inr_default_upper_limit, settings.answers_valid_days) == (7, 3.0, 90)
    assert (settings.platelet_hold_below_per_ul, settings.platelet_caution_below_per_ul) == (20_000, 100_000)


def test_settings_reject_inconsistent_thresholds():
    with pytest.raises(ValueError):
        SafetySettings(platelet_hold_below_per_ul=150_000)
    with pytest.raises(ValueError):
        SafetySettings(inr_max_age_days=-1)


@pytest.mark.parametrize(("count", "severity"), [(19_999, Severity.HOLD), (60_000, Severity.HIGH), (100_000, None)])
def test_platelet_counts_are_classified_by_clinic_thresholds(count, severity):
    assert rules.classify_platelet_count(count) is severity


def test_platelet_thresholds_come_from_settings():
    assert rules.classify_platelet_count(60_000, settings=SafetySettings(platelet_caution_below_per_ul=50_000)) is None


def test_evaluation_results_cannot_be_changed():
    found = flag(run(H5="yes"), "EPILEPSY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.severity = Severity.LOW  # type: ignore[misc]  # the frozen field, assigned on purpose


# ---------------------------------------------------------------------------------------------------------------------
# Consent (7.1, 7.2)
# ---------------------------------------------------------------------------------------------------------------------


def test_a_blood_thinner_gives_the_reference_consent_sentence():
    sentences = consent_risks(run(A1="yes", A2=["apixaban"]).flags)
    assert sentences == [
        "You take a blood thinner: more bruising or bleeding is possible. We will avoid deep muscles at first."
    ]


def test_consent_risks_follow_the_flags_without_repeats():
    sentences = consent_risks(run(F1="yes", F2="yes", H9="yes").flags)
    assert len(sentences) == 2
    assert "collapsed lung" in sentences[1]


def test_administrative_flags_give_no_consent_sentence():
    assert consent_risks(run(Z1=False, B1="not_sure", F4="yes").flags) == []


def test_consent_risks_accept_flag_codes():
    assert consent_risks(["LATEX_ALLERGY"]) == ["You are allergic to latex: we will use latex-free gloves."]


def test_standard_risks_cover_mild_significant_and_serious_events_with_frequencies():
    classes = {risk.ae_class for risk in rules.STANDARD_RISKS}
    assert classes == {"mild", "significant", "serious"}
    assert all(risk.frequency and risk.sources for risk in rules.STANDARD_RISKS)
    pneumothorax = next(risk for risk in rules.STANDARD_RISKS if risk.code == "pneumothorax")
    assert "chest pain" in pneumothorax.patient_text


def test_consent_record_elements_are_the_twelve_of_the_reference():
    assert [element.number for element in rules.CONSENT_ELEMENTS] == list(range(1, 13))
