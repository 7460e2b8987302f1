"""Merge translation fragments (.po files of msgid/msgstr pairs) into a message file, with Babel.

    python scripts/merge_po.py fragment.po [fragment.po ...]                 # into locale/fr_CA/LC_MESSAGES/django.po
    python scripts/merge_po.py --into locale/xx/LC_MESSAGES/django.po a.po   # another language's file

A fragment is written alongside new patient pages: the same msgid text as marked in the template or module
(`#, python-format` where it has %(name)s placeholders), and its translation. Each translated entry is added, or
replaces an entry that has no translation yet; an entry already translated differently is left as it is and
reported (pass --replace to take the fragment's). Entries without a translation, or marked fuzzy, are skipped.
Then `make messages` puts every string where the project uses it, and `python scripts/messages.py check`
lists what is still to translate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "locale/fr_CA/LC_MESSAGES/django.po"


def _read(path: Path, locale: object = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def _is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


def merge(target: Catalog, fragment: Catalog, *, replace: bool = False) -> tuple[int, list[str]]:
    """Add the fragment's translations to the target; the number added or changed, and the conflicts left."""
    changed, conflicts = 0, []
    for message in fragment:
        if not _is_translated(message):
            continue
        existing = target.get(message.id, context=message.context)
        if existing is not None and _is_translated(existing) and existing.string != message.string:
            if not replace:
                conflicts.append(str(message.id if isinstance(message.id, str) else message.id[0]))
                continue
        elif existing is not None and existing.string == message.string and not existing.fuzzy:
            continue
        flags = {flag for flag in message.flags if flag != "fuzzy"}
        target.add(message.id, message.string, locations=message.locations, flags=flags, context=message.context)
        changed += 1
    return changed, conflicts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fragments", nargs="+", type=Path)
    parser.add_argument("--into", type=Path, default=FRENCH, help="the message file to merge into")
    parser.add_argument("--replace", action="store_true", help="take the fragment's translation on a conflict")
    options = parser.parse_args(argv)
    target = _read(options.into)  # its language from its header
    locale = target.locale
    failed = False
    for path in options.fragments:
        changed, conflicts = merge(target, _read(path, locale), replace=options.replace)
        print(f"{path}: {changed} added or updated")
        for msgid in conflicts:
            print(f"{path}: kept the existing translation of {msgid!r} (--replace takes this file's)")
            failed = True
    with options.into.open("wb") as file:
        write_po(file, target, width=119, sort_output=False, include_previous=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
