"""The patient-facing strings and their message files (locale/<language>/LC_MESSAGES/django.po), with Babel alone.

    python scripts/messages.py update    # (make messages) add new strings to every message file, drop gone ones
    python scripts/messages.py check     # list strings missing or untranslated in a message file; exit 1 if any
    python scripts/messages.py compile   # the .mo files (make install does it for changed .po files)

Which strings: everything marked for translation in the project's templates (`{% translate %}`,
`{% blocktranslate %}`) and Python modules (gettext, gettext_lazy, ngettext, gettext_noop...), since only
the patient's pages, messages and sheets are marked: the staff's pages are English and unmarked. Left out
are Django admin's own templates (Django translates them) and the few staff-only modules in STAFF_ONLY.
The safety questionnaire's wording is pure Python and listed for translation in patients/rules_wording.py.

Templates are read with Django's own `templatize` (what makemessages uses) and the result with Babel's Python
extractor, so neither GNU gettext's xgettext nor msgfmt is needed. Other branches' French comes in as .po
fragments: scripts/merge_po.py.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
DOMAIN = "django"
APPS = ("accounts", "patients", "scheduling", "assessments", "records", "ims_clinic")
# Marked for translation but seen by staff only.
STAFF_ONLY = (
    "templates/admin/",  # Django admin's templates, overridden: Django's own message files translate them
    "records/importing.py",  # the clinic's CSV import, for the clinic admin
)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ims_clinic.settings")
    import django

    django.setup()


def sources() -> list[Path]:
    """The files whose marked strings go into the message files."""
    templates = [path for path in (ROOT / "templates").rglob("*") if path.suffix in {".html", ".txt"}]
    modules = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    return sorted(path for path in templates + modules if not _relative(path).startswith(STAFF_ONLY))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _extract_file(path: Path) -> Iterator[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    if path.suffix == ".py":
        source = path.read_bytes()
    else:
        from django.utils.translation.template import templatize

        # templatize keeps each {% translate %} as a gettext() call on its line and blanks the rest; the blanks'
        # indentation would trouble Python's tokenizer, so it goes.
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        source = "\n".join(line.lstrip() for line in code.splitlines()).encode("utf-8")
    options = {"encoding": "utf-8"}
    yield from extract("python", io.BytesIO(source), keywords=KEYWORDS, options=options)  # type: ignore[arg-type]


def extracted() -> Catalog:
    """Every patient-facing string of the project, with where it is used."""
    _setup_django()
    catalog = Catalog(domain=DOMAIN, project="IMS Clinic", charset="utf-8")
    for path in sources():
        for lineno, message, comments, context in _extract_file(path):
            catalog.add(message, locations=[(_relative(path), lineno)], auto_comments=comments, context=context)
    return catalog


def message_files() -> list[Path]:
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)  # its language from its header


def write(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as file:
        write_po(file, catalog, width=119, sort_output=False, ignore_obsolete=True, include_previous=False)


def problems(catalog: Catalog, template: Catalog) -> list[str]:
    """What is wrong with the message file for the strings in `template`: missing, untranslated or fuzzy."""
    found = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        name = message.id if isinstance(message.id, str) else message.id[0]
        where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
        if translated is None:
            found.append(f"missing: {name!r} ({where})")
        elif translated.fuzzy:
            found.append(f"fuzzy: {name!r} ({where})")
        elif not all(translated.string if isinstance(translated.string, tuple) else (translated.string,)):
            found.append(f"untranslated: {name!r} ({where})")
    return found


def update() -> None:
    template = extracted()
    for path in message_files():
        catalog = read(path)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
        write(catalog, path)
        print(f"{_relative(path)}: {len(template)} strings, {len(problems(catalog, template))} to translate")


def check() -> int:
    template = extracted()
    failed = 0
    for path in message_files():
        for problem in problems(read(path), template):
            print(f"{_relative(path)}: {problem}")
            failed += 1
    return 1 if failed else 0


def compile_all() -> None:
    for path in message_files():
        with path.with_suffix(".mo").open("wb") as file:
            write_mo(file, read(path))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    elif command == "compile":
        compile_all()
    else:
        sys.exit(__doc__)
