"""Reports of ``apiscribe check``: text, GitHub Actions annotations, JSON and JUnit XML."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from ..diagnostics import Diagnostic, report_text, summary

FORMATS = ("text", "github", "json")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_report(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` per diagnostic."""
    lines = []
    for d in diagnostics:
        props = [f"file={_escape_property(d.file)}"]
        if d.line:
            props.append(f"line={d.line}")
        props.append(f"title={_escape_property(d.code)}")
        message = d.message + (f" [{d.pointer}]" if d.pointer else "")
        if d.hint:
            message += f"\nhint: {d.hint}"
        lines.append(f"::{d.level} {','.join(props)}::{_escape_data(message)}")
    lines.append(summary(diagnostics, files))
    return "\n".join(lines) + "\n"


def json_report(diagnostics: Sequence[Diagnostic], files: int) -> str:
    levels = Counter(d.level for d in diagnostics)
    payload = {
        "diagnostics": [
            {
                "file": d.file, "line": d.line, "level": d.level, "code": d.code,
                "message": d.message, "pointer": d.pointer, "endpoint": d.endpoint,
                "hint": d.hint,
            }
            for d in diagnostics
        ],
        "summary": {
            "files": files,
            "errors": levels["error"],
            "warnings": levels["warning"],
            "by_code": dict(sorted(Counter(d.code for d in diagnostics).items())),
        },
    }
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def junit_report(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    """JUnit XML: one test case per checked file; errors are failures, warnings are output."""
    by_file: dict[str, list[Diagnostic]] = {name: [] for name in files}
    for d in diagnostics:
        by_file.setdefault(d.file, []).append(d)
    failures = sum(1 for found in by_file.values() if any(d.level == "error" for d in found))
    suite = ET.Element("testsuite", {
        "name": "apiscribe check", "tests": str(len(by_file)), "failures": str(failures),
        "errors": "0", "skipped": "0",
    })
    for name in sorted(by_file):
        found = by_file[name]
        case = ET.SubElement(suite, "testcase", {"classname": "apiscribe.check", "name": name})
        errors = [d for d in found if d.level == "error"]
        if errors:
            failure = ET.SubElement(case, "failure", {
                "message": f"{len(errors)} error(s)", "type": errors[0].code,
            })
            failure.text = "\n".join(d.headline() for d in errors)
        warnings = [d for d in found if d.level == "warning"]
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(d.headline() for d in warnings)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, "unicode") + "\n"


def render(fmt: str, diagnostics: Sequence[Diagnostic], files: int) -> str:
    if fmt == "github":
        return github_report(diagnostics, files)
    if fmt == "json":
        return json_report(diagnostics, files)
    return report_text(diagnostics, files)
