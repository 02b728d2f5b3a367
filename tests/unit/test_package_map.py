"""The package map: each package says what lives there and what it may import, and the layers
contract (import-linter, in pyproject.toml) names every package."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import openpeel

SOURCE = Path(openpeel.__file__).parent
ROOT = SOURCE.parents[1]


def _packages() -> list[Path]:
    return sorted(p.parent for p in SOURCE.glob("*/__init__.py"))


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    assert len(_packages()) >= 10
    for package in _packages():
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{package.name}/__init__.py has no docstring"
        assert "May import" in doc, f"{package.name}/__init__.py does not say what it may import"


def test_the_layers_contract_names_every_package_and_module_of_the_top_level() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    top_level = {p.name for p in _packages()} | {
        p.stem for p in SOURCE.glob("*.py") if p.stem != "__init__"
    }
    assert top_level == named, f"not in a layer: {sorted(top_level - named)}"


def test_docs_and_code_cite_only_files_in_the_repository() -> None:
    """No citation of a document outside the repository (the project explains in its own words,
    in docs/method.md); every ``docs/*.md`` a page names exists."""
    import re

    texts = {p: p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")}
    texts |= {p: p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py")}
    texts |= {p: p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.csv")}
    texts[ROOT / "README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, text in texts.items():
        assert "domain.md" not in text, f"{path} cites domain.md"
        for name in re.findall(r"\b(?:docs/)?([a-z_]+\.md)\b", text):
            if name in ("README.md",):
                continue
            assert (ROOT / "docs" / name).exists(), f"{path} cites {name}, not in docs/"


def test_sql_literals_are_quoted_in_one_place() -> None:
    from openpeel.sql import sql_list, sql_text

    assert sql_text("O'Brien") == "'O''Brien'"
    assert sql_list(["a", "b'c"]) == "['a', 'b''c']"
    quoting = [
        p.relative_to(SOURCE).as_posix()
        for p in SOURCE.rglob("*.py")
        if """.replace("'", "''")""" in p.read_text(encoding="utf-8")
    ]
    assert quoting == ["sql.py"]
