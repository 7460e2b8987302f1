"""Records out: a patient's whole record as FHIR R4 and as a printable document, the clinic's CSV
export, the import of patients from another system, and the read-only FHIR API for integrators.

It sits at the top of the dependency chain: it reads accounts, patients, scheduling and assessments,
and no app imports it.
"""
