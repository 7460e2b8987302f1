"""Two real task workers (`manage.py db_worker`) at once over many queued messages: each is sent exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from patients.models import ContactMethod, Message, MessageStatus
from scheduling import reminders
from tests.factories import AppointmentFactory, PatientFactory, PractitionerFactory

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 40


def database_url() -> str:
    """The test database these tests' rows are committed to, for the workers' own connections."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{quote(db['USER'])}{password}@{host}{port}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_of_many_messages_exactly_once(tmp_path: Path) -> None:
    practitioner = PractitionerFactory()
    start = timezone.now() + timedelta(hours=2)
    for number in range(MESSAGES):
        patient = PatientFactory(preferred_contact_method=ContactMethod.TEXT, phone=f"604-555-{number:04d}")
        appointment = AppointmentFactory(
            patient=patient, practitioner=practitioner, starts_at=start + timedelta(minutes=30 * number)
        )
        reminders.reminder_queue(appointment=appointment)
    outbox = tmp_path / "texts.log"
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),
        "CLINIC_TEXT_BACKEND": "tests.patients.outbox_backend.FileTextBackend",
        "IMS_TEST_TEXT_OUTBOX": str(outbox),
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]

    workers = [
        subprocess.Popen(
            [*command, "--interval", "0.1", "--worker-id", f"test-{number}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for number in range(2)
    ]
    outputs = [worker.communicate(timeout=300)[0].decode() for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    sent = [line.split("\t")[0] for line in outbox.read_text().splitlines()]
    assert len(sent) == MESSAGES
    assert sorted(sent) == sorted(f"604-555-{number:04d}" for number in range(MESSAGES))
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert all(output.count("deliver_message") for output in outputs), "both workers took part"
