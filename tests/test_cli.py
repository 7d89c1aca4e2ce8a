"""The command line contract: help, exit codes, configuration errors and ``convert``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiscribe.cli import main

from .conftest import CORPUS, SEED


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("command", "phrase"),
    [
        ("generate", "Document the app into api-docs/."),
        ("build", "Generate, render the Markdown pages and build the MkDocs site."),
        ("convert", "Convert an existing spec or existing docs into one of apiscribe's views."),
    ],
)
def test_each_command_explains_itself(command: str, phrase: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert phrase in out


def test_top_level_help_lists_commands_and_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "Exit codes: 0 success, 1 problems found or the job failed, 2 usage error." in out
    for command in ("generate", "build", "convert"):
        assert command in out


def test_usage_errors_exit_2() -> None:
    code, _, err = run("convert", str(SEED), "--out", "x")
    assert code == 2
    assert "Missing option '--to'" in err
    code, _, err = run("convert", str(SEED), "--to", "pdf", "--out", "x")
    assert code == 2
    assert "'pdf' is not one of" in err
    code, _, _ = run("no-such-command")
    assert code == 2


def test_unknown_config_key_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.apiscribe]\nurlcof = "app.urls"\n')
    code, _, err = run("--project", str(tmp_path), "generate")
    assert code == 1
    assert f"Error: {tmp_path / 'pyproject.toml'}: [tool.apiscribe]: unknown key 'urlcof'" in err
    assert "Hint: Did you mean 'urlconf'?" in err


def test_missing_configuration_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, _, err = run("--project", str(tmp_path), "generate")
    assert code == 1
    assert err.startswith(f"Error: {tmp_path / 'pyproject.toml'}: no [tool.apiscribe] table")


def test_unsupported_framework(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.apiscribe]\nframework = "rails"\n')
    code, _, err = run("--project", str(tmp_path), "generate")
    assert code == 1
    assert "Error: unsupported framework 'rails' in [tool.apiscribe]" in err


needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not beside the checkout"
)


@needs_corpus
def test_convert_round_trips_the_sentry_docs_byte_for_byte(tmp_path: Path) -> None:
    """Byte for byte, but for credentials: three docs show Sentry DSNs, URLs whose password
    is a project's secret key, and that password is never published (``<token>``)."""
    source = CORPUS / "sentry-docs"
    code, _, err = run("convert", str(source), "--to", "jsondocs", "--out", str(tmp_path))
    assert code == 0, err
    inputs = sorted(source.rglob("*.md"))
    assert len(inputs) == 53
    dsn_password = re.compile(rb"(https://[0-9a-f]{32}:)[0-9a-f]{32}(@sentry\.io)")
    redacted = []
    for path in inputs:
        rel = path.relative_to(source)
        original = path.read_bytes()
        expected = dsn_password.sub(rb"\1<token>\2", original)
        assert (tmp_path / rel).read_bytes() == expected, rel
        if expected != original:
            redacted.append(rel.as_posix())
    assert redacted == ["organizations/get-event-id-lookup.md", "projects/get-project-keys.md",
                        "projects/post-project-keys.md"]


@needs_corpus
def test_convert_the_seed_file(tmp_path: Path) -> None:
    code, _, err = run("convert", str(SEED), "--to", "jsondocs", "--out", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "seeds" / f"{SEED.stem}.md").read_bytes() == SEED.read_bytes()


@needs_corpus
def test_convert_refuses_the_html_format_clearly(tmp_path: Path) -> None:
    source = CORPUS / "sentry-docs-html"
    code, _, err = run("convert", str(source), "--to", "jsondocs", "--out", str(tmp_path))
    assert code == 1
    expected = (
        f"{source}/releases/get-release-deploys.md:2: error not-jsondoc: not a JSON doc: "
        "front matter is YAML, not JSON (older Sentry HTML-table format?) "
        "(endpoint get-release-deploys)"
    )
    assert expected in err
    assert err.endswith("21 error(s), 0 warning(s)\n  not-jsondoc: 21\n")
    assert not list(tmp_path.iterdir())  # nothing was read, so nothing is written


@needs_corpus
@pytest.mark.parametrize("target", ["openapi", "markdown"])
def test_convert_to_other_views(tmp_path: Path, target: str) -> None:
    code, _, err = run(
        "convert", str(CORPUS / "sentry-docs"), "--to", target, "--out", str(tmp_path)
    )
    assert code == 0, err
    if target == "openapi":
        from openapi_spec_validator import validate
        from openapi_spec_validator.readers import read_from_filename

        spec, _ = read_from_filename(str(tmp_path / "openapi.json"))
        validate(spec)
    else:
        assert (tmp_path / "releases" / "put-organization-release-details.md").is_file()
        assert (tmp_path / "index.md").is_file()


@needs_corpus
def test_convert_to_site_builds_a_mkdocs_project(tmp_path: Path) -> None:
    code, _, err = run(
        "convert", str(CORPUS / "sentry-docs"), "--to", "site", "--out", str(tmp_path)
    )
    assert code == 0, err
    assert (tmp_path / "project" / "mkdocs.yml").is_file()
    assert (tmp_path / "site" / "index.html").is_file()
    page = tmp_path / "site" / "releases" / "put-organization-release-details" / "index.html"
    assert "Update an Organization&#39;s Release" in page.read_text() or (
        "Update an Organization's Release" in page.read_text()
    )


@needs_corpus
def test_convert_to_site_with_a_relative_out_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative ``--out`` is the folder under the working directory, not one under the
    generated project (MkDocs reads a relative site_dir from the mkdocs.yml's folder)."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run("convert", str(CORPUS / "sentry-docs"), "--to", "site", "--out", "docs")
    assert code == 0, err
    pages = list((tmp_path / "docs" / "site").rglob("*.html"))
    assert (tmp_path / "docs" / "site" / "index.html") in pages
    assert f"the site is in docs/site ({len(pages)} HTML page(s))" in out + err
    assert len(pages) > 50
    assert not (tmp_path / "docs" / "project" / "docs" / "site").exists()
