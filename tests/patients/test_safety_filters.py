"""The template filters that colour a flag by its severity on the review page, the chart and the evaluation."""

import pytest

from patients.safety_rules import Severity
from patients.templatetags.safety import as_severity, severity_border_tone, severity_tone


@pytest.mark.parametrize(
    ("severity", "badge", "border"),
    [
        ("HOLD", "danger", "danger"),
        ("HIGH", "danger", "danger-subtle"),
        ("CLARIFY", "warning", "warning"),
        ("MODERATE", "warning", "warning"),
        ("LOW", "secondary", "secondary-subtle"),
        ("INFO", "secondary", "secondary-subtle"),
    ],
)
def test_each_stored_severity_has_its_tone(severity: str, badge: str, border: str) -> None:
    assert severity_tone(severity) == badge
    assert severity_border_tone(severity) == border


def test_a_stored_severity_reads_as_the_rules_severity() -> None:
    assert as_severity("CLARIFY") is Severity.CLARIFY
    assert as_severity("CLARIFY").needs_real_answer
    assert not as_severity("INFO").needs_acknowledgement
