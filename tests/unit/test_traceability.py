"""docs/TRACEABILITY.md names only modules and tests that exist."""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs/TRACEABILITY.md"
TEST_REFERENCE = re.compile(r"^(tests/[\w/]+\.py)::(\w+)$")
PATH_REFERENCE = re.compile(r"^(src/|tests/|\.)[\w/.-]+$")


def _rows() -> list[list[str]]:
    """The requirement rows: ID, requirement, code, tests."""
    rows = []
    for line in DOCUMENT.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and re.fullmatch(r"[A-Z]+-\d+", cells[0]):
            rows.append(cells)
    return rows


def _references(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


@cache
def _test_functions(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    )


def test_every_referenced_module_and_test_exists() -> None:
    rows = _rows()
    assert len(rows) >= 50, "the requirement tables were not found"
    problems = []
    for requirement, _text, code, tests in rows:
        modules = [ref for ref in _references(code) if PATH_REFERENCE.match(ref)]
        named_tests = [TEST_REFERENCE.match(ref) for ref in _references(tests)]
        if not modules or not named_tests or not all(named_tests):
            problems.append(f"{requirement}: needs module paths and path.py::test_name tests")
        problems += [f"{requirement}: no {ref}" for ref in modules if not (ROOT / ref).exists()]
        for match in filter(None, named_tests):
            path, name = match.groups()
            if not (ROOT / path).is_file():
                problems.append(f"{requirement}: no test file {path}")
            elif name not in _test_functions(path):
                problems.append(f"{requirement}: no test {name} in {path}")
    assert not problems, "docs/TRACEABILITY.md is out of date:\n" + "\n".join(problems)


def test_every_requirement_has_its_own_id() -> None:
    ids = [row[0] for row in _rows()]
    repeated = sorted({requirement for requirement in ids if ids.count(requirement) > 1})
    assert not repeated, f"docs/TRACEABILITY.md gives one ID to several requirements: {repeated}"
