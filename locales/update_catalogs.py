"""Re-extract the messages and merge them into the nl and en catalogs.

Run from the project root: `python locales/update_catalogs.py`. New Dutch msgids get themselves as
the nl translation; everything else new is left empty for a translator, and the catalog test fails
until it is filled in.
"""

from __future__ import annotations

import copy
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
DOMAIN = "schuldhulpbot"
SOURCES = ("bot", "handlers", "scheduler")
VERSION = re.search(r'__version__ = "(.+)"', (ROOT / "bot" / "__init__.py").read_text()).group(1)  # type: ignore[union-attr]
# handlers: t(lang, msgid, ...) and label(lang, msgid) take the msgid second.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "t": (2,), "label": (2,), "tn": (2, 3)}
# argparse's own English msgids: their nl translation is written by hand in nl.po.
ENGLISH_MSGIDS_PREFIXES = (
    "usage",
    "positional",
    "options",
    "show this",
    "%(prog)s",
    "the following",
    "invalid",
    "unrecognized",
    "expected",
    "argument ",
)


HEADER = """\
# schuldhulpbot: {lang} catalog. Dutch msgids are the source text.
# Update with `python locales/update_catalogs.py`; tests/test_catalogs.py checks completeness."""


def extract() -> Catalog:
    """All msgids in the sources, as a template."""
    template = Catalog(project=DOMAIN, charset="utf-8")
    for source in SOURCES:
        base = ROOT / source
        if not base.is_dir():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            base, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(
                message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments, context=context
            )
    return template


def merge(lang: str, template: Catalog) -> Catalog:
    """The language's catalog updated to the template, keeping every existing translation."""
    po_path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, project=DOMAIN, charset="utf-8")
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
    catalog.header_comment = HEADER.format(lang=lang)
    catalog.last_translator = "schuldhulpbot developers"
    catalog.language_team = f"schuldhulpbot {lang}"
    catalog.msgid_bugs_address = ""
    catalog.fuzzy = False
    catalog.version = VERSION
    catalog.revision_date = datetime.now(UTC)
    for message in catalog:
        dutch_msgid = not str(message.id).startswith(ENGLISH_MSGIDS_PREFIXES)
        untranslated = not any(message.string) if isinstance(message.string, tuple) else not message.string
        if lang == "nl" and message.id and untranslated and dutch_msgid:
            message.string = message.id
    return catalog


def main() -> int:
    template = extract()
    with (LOCALES / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=False, no_location=True, sort_output=True)
    for lang in ("nl", "en"):
        catalog = merge(lang, template)
        path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, no_location=True, sort_output=True, ignore_obsolete=True)
        empty = [
            m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
        ]
        print(f"{lang}: {len(catalog)} messages, {len(empty)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
