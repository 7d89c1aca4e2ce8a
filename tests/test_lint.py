"""``apiscribe lint``: endpoint docstrings checked from the source text alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml
from click.testing import CliRunner

from apiscribe.checks.lint import lint_paths
from apiscribe.cli import main

from .conftest import ROOT

DEFECTS = '''
raise SystemExit("lint must never import this file")


class ReleaseEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    def get(self, request, organization_slug, version):
        """
        Retrieve a Release
        ``````````````````

        :pparam string organization_slug: the organization.
        :pparam strng version: the version.
        :auth: required
        """

    def put(self, request, organization_slug, version):
        """
        Update a Release
        ````

        :pparam string organization_slug: the organization.
        :pparam string organization_slug: again.
        :param string ref
        :colour: blue
        """

    def delete(self, request, organization_slug, version):
        """
        Delete a Release

        :auth: required
        """

    def post(self, request):
        pass

    def helper(self):
        """Not an endpoint: plain text is never linted."""


def plain_view():
    """A plain docstring.

    Plain text, no fields.
    """
'''


def _lines(text: str) -> dict[str, int]:
    return {line.strip(): number for number, line in enumerate(text.splitlines(), 1)}


def test_lint_reports_each_defect_with_its_line_and_method(tmp_path: Path) -> None:
    source = tmp_path / "endpoints.py"
    source.write_text(DEFECTS)
    result = lint_paths([tmp_path])
    assert result.files == 1
    found = {(d.code, d.line, d.endpoint, d.level) for d in result.diagnostics}
    at = _lines(DEFECTS)
    assert found == {
        ("unknown-type", at[":pparam strng version: the version."], "ReleaseEndpoint.get",
         "error"),
        ("underline-length", at["````"], "ReleaseEndpoint.put", "warning"),
        ("duplicate-parameter", at[":pparam string organization_slug: again."],
         "ReleaseEndpoint.put", "error"),
        ("malformed-field", at[":param string ref"], "ReleaseEndpoint.put", "error"),
        ("unknown-field", at[":colour: blue"], "ReleaseEndpoint.put", "error"),
        ("no-authentication", at["Update a Release"], "ReleaseEndpoint.put", "warning"),
        ("missing-underline", at["Delete a Release"], "ReleaseEndpoint.delete", "warning"),
        ("no-docstring", at["def post(self, request):"], "ReleaseEndpoint.post", "warning"),
    }
    assert all(d.file == source.as_posix() for d in result.diagnostics)


def test_the_reference_api_lints_clean() -> None:
    result = lint_paths([ROOT / "examples" / "refapi"])
    assert result.files > 10
    assert result.diagnostics == []


def test_lint_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "endpoints.py").write_text(DEFECTS)
    (tmp_path / "broken.py").write_text("def (:\n")
    runner = CliRunner()
    failed = runner.invoke(main, ["lint", str(tmp_path)])
    assert failed.exit_code == 1
    assert f"{tmp_path.as_posix()}/broken.py:1: error syntax-error: invalid Python" in (
        failed.output)
    assert "(endpoint ReleaseEndpoint.get)" in failed.output
    assert "2 file(s) checked: 5 error(s), 4 warning(s)" in failed.output
    (tmp_path / "endpoints.py").unlink()
    (tmp_path / "broken.py").write_text(textwrap.dedent('''
        def view():
            """
            Get It
            ``````

            :auth: required
            """
    '''))
    assert runner.invoke(main, ["lint", str(tmp_path)]).exit_code == 0
    assert runner.invoke(main, ["lint", str(tmp_path / "missing.py")]).exit_code == 2
    assert runner.invoke(main, ["lint"]).exit_code == 2


def test_the_pre_commit_hook_runs_lint() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "apiscribe-lint"]
    assert hook["entry"] == "apiscribe lint"
    assert hook["language"] == "python" and hook["types"] == ["python"]


def test_lint_finds_defects_put_into_a_real_endpoint_source(tmp_path: Path) -> None:
    """The reference API's teams endpoints, with three defects a team might commit."""
    text = (ROOT / "examples" / "refapi" / "api" / "endpoints" / "teams.py").read_text()
    lines = text.splitlines()
    auth = lines.index("        :auth: required")  # the first endpoint's
    underline = lines.index("        ````````````````````````````")
    lines[auth] = "        :auht: required"
    lines[underline] = "        ``````````"
    cursor = next(i for i, line in enumerate(lines) if ":qparam string cursor:" in line)
    lines[cursor] = lines[cursor].replace(":qparam string cursor:", ":qparam strin cursor:")
    broken = tmp_path / "teams.py"
    broken.write_text("\n".join(lines) + "\n")
    found = {(d.code, d.line, d.endpoint) for d in lint_paths([broken]).diagnostics}
    where = "OrganizationTeamsEndpoint.get"
    assert found == {
        ("unknown-field", auth + 1, where),
        ("no-authentication", underline, where),
        ("underline-length", underline + 1, where),
        ("unknown-type", cursor + 1, where),
    }
