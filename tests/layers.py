"""The project's apps in their layers, bottom last, for the tests that read the source (layers, roles)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("accounts", "patients", "scheduling", "assessments", "records")
WIRING = "ims_clinic"
APPS = (*LAYERS, WIRING)
# Ours but not an app: the benchmarks and the tests read the apps; only the wiring may read them back.
OTHERS = ("bench", "tests")
