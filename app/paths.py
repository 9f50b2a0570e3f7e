"""Where the templates and static files are, installed or from a checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel puts them inside the package; a checkout or editable install beside it.
    inside = _HERE / name
    return inside if inside.is_dir() else _HERE.parent / name


TEMPLATES = _find("templates")
STATIC = _find("static")
