"""The front end's layout: shared modules in static/js/core/, one folder per view in
static/js/views/<view>/, third-party modules unchanged in static/js/vendor/; views import
core and their own folder, core imports core and vendor, never a view.
Every import names a file that exists, and every view has a page and a browser test
folder of the same name."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "static" / "js"
IMPORT = re.compile(r"""(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]"""
                    r"""|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)"""
                    r"""|(?:^|\n)\s*import\s*['"]([^'"]+)['"]""")


def modules() -> list[str]:
    """Our modules (vendor/ holds others' code, as published)."""
    return sorted(p.relative_to(JS).as_posix() for p in JS.rglob("*.js")
                  if not p.relative_to(JS).as_posix().startswith("vendor/"))


def imports_of(module: str) -> list[str]:
    """The modules `module` imports, as paths relative to static/js."""
    text = (JS / module).read_text(encoding="utf-8")
    found = [next(g for g in m.groups() if g) for m in IMPORT.finditer(text)]
    here = posixpath.dirname(module)
    return [posixpath.normpath(posixpath.join(here, spec)) for spec in found]


def views() -> list[str]:
    return sorted(p.name for p in (JS / "views").iterdir() if p.is_dir())


def test_the_import_parser_sees_every_form() -> None:
    sample = ("import * as api from './api.js';\nimport { a,\n  b } from '../x/y.js';\n"
              "export { c } from './c.js';\nconst p = import('./lazy.js');\nimport './side.js';")
    found = [next(g for g in m.groups() if g) for m in IMPORT.finditer(sample)]
    assert found == ["./api.js", "../x/y.js", "./c.js", "./lazy.js", "./side.js"]


def test_every_module_is_in_core_or_in_a_view_folder() -> None:
    stray = [m for m in modules()
             if not (m.startswith("core/") and m.count("/") == 1)
             and not (m.startswith("views/") and m.count("/") == 2)]
    assert stray == []
    assert len(views()) >= 6


@pytest.mark.parametrize("module", modules())
def test_imports_resolve_and_follow_the_rule(module: str) -> None:
    for target in imports_of(module):
        assert (JS / target).is_file(), f"{module} imports {target}, which does not exist"
        if module.startswith("core/"):
            assert target.startswith(("core/", "vendor/")), (
                f"core module {module} imports {target}")
        else:
            own = posixpath.dirname(module) + "/"
            assert target.startswith(("core/", own)), (
                f"{module} imports {target}: a view imports core and its own folder only")


def test_vendored_modules_name_their_origin_and_licence() -> None:
    for path in (JS / "vendor").glob("*.js"):
        head = path.read_text(encoding="utf-8")[:300]
        assert "MIT" in head and "npm" in head, path.name
        assert (path.with_suffix(".LICENSE")).is_file()


@pytest.mark.parametrize("view", views())
def test_each_view_has_an_entry_a_page_and_browser_tests(view: str) -> None:
    assert (JS / "views" / view / "main.js").is_file()
    page = (ROOT / "templates" / f"{view}.html").read_text(encoding="utf-8")
    assert f"static('js/views/{view}/main.js')" in page
    tests = ROOT / "tests" / "browser" / view
    assert any(tests.glob("test_*.py")), f"tests/browser/{view}/ has no browser test"


def test_the_readme_layout_names_every_view_folder() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for view in views():
        assert f"views/{view}/" in readme, f"README's layout section does not name {view}"
