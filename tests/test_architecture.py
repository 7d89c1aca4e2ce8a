"""The rules of ARCHITECTURE.md, checked on the package as it is: who may import whom, no
private names across modules, small modules, views that do not know sources, and a code map
that names every folder and module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "generator" / "apiscribe"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
MAX_LINES = 450

#: Folder (or root module) → the folders and root modules it must not import.
FORBIDDEN: dict[str, set[str]] = {
    "model": {"diagnostics", "formats", "sources", "views", "checks", "site", "recording",
              "pipeline", "config", "cli", "writer", "names"},
    "documents": {"formats", "sources", "views", "checks", "site", "recording", "pipeline",
                  "cli"},
    "formats": {"sources", "views", "checks", "site", "recording", "pipeline", "cli"},
    "sources": {"views", "checks", "site", "recording", "pipeline", "cli"},
    "recording": {"sources", "views", "checks", "site", "pipeline", "cli"},
    "views": {"sources", "documents", "checks", "site", "recording", "pipeline", "cli",
              "config"},
    "site": {"checks", "recording", "pipeline", "cli"},
    "checks": {"views", "site", "recording", "pipeline", "cli"},
}
#: What model/ may take from documents/: the JSON-pointer module only.
MODEL_MAY_USE = {"documents.pointer"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(path: Path) -> list[tuple[list[str], list[str], int]]:
    """``(target module parts within the package, imported names, line)`` of each relative
    import of ``path``."""
    here = dotted(path)
    base = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = base[: len(base) - node.level + 1] + (
                node.module.split(".") if node.module else [])
            found.append((target, [alias.name for alias in node.names], node.lineno))
    return found


def test_no_folder_imports_what_the_code_map_forbids() -> None:
    broken = []
    for path in modules():
        owner = dotted(path)[0] if dotted(path) else ""
        for target, names, line in imports(path):
            targets = [target or [name] for name in names]
            for each in targets:
                top = each[0]
                if top in FORBIDDEN.get(owner, set()):
                    broken.append(f"{path.relative_to(ROOT)}:{line} imports {'.'.join(each)}")
                if owner == "model" and top == "documents" and (
                        ".".join(each[:2]) not in MODEL_MAY_USE):
                    broken.append(f"{path.relative_to(ROOT)}:{line} imports {'.'.join(each)}")
    assert broken == []


def test_no_module_imports_a_private_name() -> None:
    private = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules() for _, names, line in imports(path)
        for name in names if name.startswith("_") and not name.endswith("__")
    ]
    assert private == []


def test_modules_stay_small() -> None:
    long = {str(p.relative_to(ROOT)): n for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_views_do_not_know_where_an_endpoint_came_from() -> None:
    tells = re.compile(r"#/definitions|source_version|_is_imported|(ep|endpoint)\.operation\b|"
                       r"swagger|jsondocs? source|from a spec", re.I)
    found = []
    for path in sorted((PACKAGE / "views").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if tells.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_json_pointer_escaping_is_written_once() -> None:
    escape = re.compile(r"""replace\(\s*["']~""")
    found = [str(p.relative_to(ROOT)) for p in modules()
             if escape.search(p.read_text(encoding="utf-8"))]
    assert found == ["generator/apiscribe/documents/pointer.py"]


def test_mkdocs_stays_behind_the_site_package() -> None:
    users = {p.relative_to(PACKAGE).parts[0] for p in modules()
             if re.search(r"^(from|import) mkdocs\b", p.read_text(encoding="utf-8"), re.M)}
    assert users == {"site"}


@pytest.mark.parametrize("path", [p for p in modules() if p.name != "__init__.py"],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_code_map_names_every_module(path: Path) -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    folder = path.parent.relative_to(PACKAGE)
    if str(folder) != ".":
        assert f"`{folder.parts[0]}/`" in text, f"no section for {folder.parts[0]}/"
    assert f"`{path.name}`" in text or f"`{path.stem}/`" in text, path.name


def test_the_code_map_names_only_folders_that_exist() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for name in re.findall(r"^### `(\w+)/`", text, re.M):
        assert (PACKAGE / name).is_dir(), name
