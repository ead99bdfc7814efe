"""Compile the gettext catalogs in locales/ into the wheel as bot/locales/<taal>/LC_MESSAGES/*.mo."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    """Turn every locales/*/LC_MESSAGES/*.po into a .mo inside the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile the catalogs; an editable install reads the .po files at run time instead."""
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        out = Path(tempfile.mkdtemp(prefix="schuldhulpbot-mo-"))
        for po_path in sorted(Path(self.root, "locales").glob("*/LC_MESSAGES/*.po")):
            lang = po_path.parent.parent.name
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            mo_path = out / lang / "LC_MESSAGES" / (po_path.stem + ".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            build_data["force_include"][str(mo_path)] = f"bot/locales/{lang}/LC_MESSAGES/{po_path.stem}.mo"
