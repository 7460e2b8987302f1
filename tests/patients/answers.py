"""Questionnaire answers the patient pages' tests send."""

# Every question answered "no" (or "none"), the confirmation ticked and signed: a complete submission with no flag.
ALL_NO = {
    "A1": "no", "B1": "no", "B2": ["none"], "C1": "no", "D1": "no", "E1": ["none"], "F1": "no", "F2": "no",
    "F3": "no", "F4": "no", "G1": ["none"], "G2": "no", "H1": "no", "H2": "no", "H3": ["none"], "H4": ["none"],
    "H5": "no", "H6": "no", "H7": "no", "H8": "no", "H9": "no", "H10": "no", "H11": "no", "H12": "no",
    "Z1": True, "Z1_NAME": "Zebedee Quartermaine",
}  # fmt: skip
