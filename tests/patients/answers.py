"""Questionnaire answers the patient pages' tests send."""

from ims_clinic.demo import ALL_NO as DEMO_ALL_NO

# Every question answered "no" (or "none"), the confirmation ticked and signed: a complete submission with no flag.
ALL_NO = {**DEMO_ALL_NO, "Z1_NAME": "Zebedee Quartermaine"}
