"""What the scale generator and the load driver agree on, with no Django import."""

import hashlib

SEED_USERNAME = "scale-seed"  # marks every generated row (created_by, booked_by); holds the layout
PRACTITIONER_PREFIX = "scale-physio-"
TOKEN_SALT = "ims-clinic-scale-bench"  # questionnaire tokens are derived: for fictional data only


def questionnaire_token(patient_id: int) -> str:
    """The private-link token of a scale patient's seeded questionnaire link (the benchmark opens it)."""
    return hashlib.sha256(f"{TOKEN_SALT}-{patient_id}".encode()).hexdigest()
