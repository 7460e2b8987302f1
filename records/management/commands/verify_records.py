"""Recompute the digest of every signed record and report any that no longer match (run it nightly)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from records.signed_records import verify


class Command(BaseCommand):
    help = "Recompute the SHA-256 digest of every signed record; exit non-zero if any changed after signing."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatched = 0
        for label, checked, mismatches in verify():
            for mismatch in mismatches:
                self.stderr.write(
                    f"MISMATCH {label} {mismatch.pk}: signed digest {mismatch.stored}, "
                    f"content now {mismatch.recomputed}"
                )
            self.stdout.write(f"{label}: {checked} signed, {len(mismatches)} mismatched")
            mismatched += len(mismatches)
        if mismatched:
            raise CommandError(f"{mismatched} signed record(s) no longer match their digest.")
        self.stdout.write(self.style.SUCCESS("Every signed record matches its digest."))
