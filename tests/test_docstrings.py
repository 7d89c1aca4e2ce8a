"""The docstring parser: Sentry's field format."""

from __future__ import annotations

import pytest

from apiscribe.diagnostics import Diagnostic
from apiscribe.model import Parameter, ParamLocation
from apiscribe.model.types import schema_of
from apiscribe.sources.docstrings import ParsedDocstring, parse_docstring

SEED_DOC = """
        Update an Organization's Release
        ````````````````````````````````

        Update a release. This can change some metadata associated with
        the release (the ref, url, and dates).

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :param string ref: an optional commit reference.  This is useful if
                           a tagged version has been provided.
        :param url url: a URL that points to the release.  This can be the
                        path to an online interface to the sourcecode
                        for instance.
        :param datetime dateReleased: an optional date that indicates when
                                      the release went live.  If not provided
                                      the current time is assumed.
        :auth: required
        """


def parse(doc: str, line: int = 10) -> tuple[ParsedDocstring, list[Diagnostic]]:
    return parse_docstring(doc, file="app/views.py", line=line, endpoint="put-thing")


def param(name: str, type_name: str, description: str, location: ParamLocation,
          required: bool = False) -> Parameter:
    """A parameter as a docstring documents it: its type word and the schema it stands for."""
    return Parameter(name, location, description, required=required,
                     schema=schema_of(type_name), type_name=type_name)


def problem(code: str, message: str, line: int, hint: str = "") -> Diagnostic:
    return Diagnostic("app/views.py", line, "error", code, message, "", "put-thing", hint)


def test_the_seed_docstring_reads_as_sentry_published_it() -> None:
    parsed, diagnostics = parse(SEED_DOC, line=20)

    assert diagnostics == []
    assert parsed.title == "Update an Organization's Release"
    assert parsed.description == (
        "Update a release. This can change some metadata associated with\n"
        "the release (the ref, url, and dates)."
    )
    assert parsed.auth == "required"
    assert parsed.warning is None
    assert parsed.path_params == (
        param("organization_slug", "string",
                  "the slug of the organization the release belongs to.", "path", True),
        param("version", "string", "the version identifier of the release.", "path", True),
    )
    assert parsed.query_params == ()
    assert parsed.body_params == (
        param("ref", "string", "an optional commit reference.  This is useful if a "
                  "tagged version has been provided.", "body"),
        param("url", "url", "a URL that points to the release.  This can be the path to "
                  "an online interface to the sourcecode for instance.", "body"),
        param("dateReleased", "datetime", "an optional date that indicates when the "
                  "release went live.  If not provided the current time is assumed.", "body"),
    )
    assert parsed.line == 20
    assert parsed.line_of("path", "organization_slug") == 26
    assert parsed.line_of("path", "version") == 28
    assert parsed.line_of("body", "dateReleased") == 34
    assert parsed.line_of("query", "absent") == 20


@pytest.mark.parametrize(
    "underline",
    ["`" * 40, "`" * 5, "=" * 13, "-" * 13, "~~~", "^^^^^^^^^^^^^", "*" * 13, None],
    ids=["longer", "shorter", "equals", "dashes", "tildes", "carets", "stars", "missing"],
)
def test_the_title_underline_is_optional_and_any_length(underline: str | None) -> None:
    lines = ["List Releases", underline, "", "Return a list of releases.", "", ":auth: required"]
    doc = "\n".join(line for line in lines if line is not None)

    parsed, diagnostics = parse(doc)

    assert diagnostics == []
    assert (parsed.title, parsed.description, parsed.auth) == (
        "List Releases", "Return a list of releases.", "required"
    )


def test_a_description_directly_under_the_title_is_kept() -> None:
    parsed, diagnostics = parse("Delete a Key\nRemove the key for good.")

    assert diagnostics == []
    assert (parsed.title, parsed.description) == ("Delete a Key", "Remove the key for good.")


def test_a_one_line_docstring_is_a_title_only() -> None:
    parsed, diagnostics = parse("Retrieve an Organization")

    assert diagnostics == []
    assert parsed == ParsedDocstring(
        title="Retrieve an Organization", description="", warning=None, auth=None,
        path_params=(), query_params=(), body_params=(), line=10,
    )


def test_description_paragraphs_are_separated_by_one_blank_line() -> None:
    doc = """
    Register a Hook
    ---------------

    Register a new service hook on a project.


    Events include:

    - event.alert: an alert is generated.
      It continues here.
    - event.created: a new event was processed.

    :auth: required
    """

    parsed, _ = parse(doc)

    assert parsed.description == (
        "Register a new service hook on a project.\n\n"
        "Events include:\n\n"
        "- event.alert: an alert is generated.\n"
        "  It continues here.\n"
        "- event.created: a new event was processed."
    )


def test_warning_and_query_parameters_continue_on_indented_lines() -> None:
    doc = """
    Retrieve Event Counts
    =====================

    :qparam timestamp since: a timestamp to set the start of
                             the query.

                             Seconds since the epoch.
    :qparam array[string] stat: the stats to return.
    :warning: This endpoint may change
        in the future without notice.
    :auth:
    """

    parsed, diagnostics = parse(doc)

    assert diagnostics == []
    assert parsed.query_params == (
        param("since", "timestamp",
                  "a timestamp to set the start of the query. Seconds since the epoch.",
                  "query"),
        param("stat", "array[string]", "the stats to return.", "query"),
    )
    assert parsed.warning == "This endpoint may change in the future without notice."
    assert parsed.auth == ""


def test_the_same_name_may_be_used_by_different_kinds() -> None:
    doc = "Update a Key\n\n:pparam int id: the key.\n:param int id: the new id."

    parsed, diagnostics = parse(doc)

    assert diagnostics == []
    assert [p.location for p in parsed.path_params + parsed.body_params] == ["path", "body"]


@pytest.mark.parametrize("doc", ["", "   \n  \n", None])
def test_an_empty_docstring_has_no_title(doc: str | None) -> None:
    parsed, diagnostics = parse_docstring(
        doc, file="app/views.py", line=7, endpoint="put-thing"  # type: ignore[arg-type]
    )

    assert parsed.title == ""
    assert diagnostics == [
        problem("missing-title", "docstring has no title", 7,
                "start the docstring with a one-line title"),
    ]


def test_a_docstring_starting_with_a_field_has_no_title_but_keeps_its_fields() -> None:
    parsed, diagnostics = parse(":pparam string slug: the slug.\n:auth: required", line=3)

    assert diagnostics == [
        problem("missing-title", "docstring has no title", 3,
                "start the docstring with a one-line title"),
    ]
    assert [p.name for p in parsed.path_params] == ["slug"]
    assert parsed.auth == "required"


def test_unknown_fields_are_reported_with_a_suggestion() -> None:
    doc = """
    Retrieve a Release

    :returns: the release.
    :aut: required
    """

    _, diagnostics = parse(doc, line=50)

    assert diagnostics == [
        problem("unknown-field", "unknown field ':returns:'", 52,
                "known fields: :pparam:, :qparam:, :param:, :auth:, :warning:"),
        problem("unknown-field", "unknown field ':aut:'", 53, "Did you mean ':auth:'?"),
    ]


def test_malformed_fields_are_reported() -> None:
    doc = """
    Update a Release

    :param string: the name is missing.
    :qparam: both are missing.
    :pparam string organization slug: three words.
    :auth required: extra words.
    :param string ref an optional reference
    """

    parsed, diagnostics = parse(doc, line=100)

    assert diagnostics == [
        problem("malformed-field", "field ':param string:' needs a type and a name, as in "
                "':param TYPE NAME: text'", 102),
        problem("malformed-field", "field ':qparam:' needs a type and a name, as in "
                "':qparam TYPE NAME: text'", 103),
        problem("malformed-field", "field ':pparam string organization slug:' needs a type "
                "and a name, as in ':pparam TYPE NAME: text'", 104),
        problem("malformed-field", "field ':auth required:' takes no type or name, as in "
                "':auth: text'", 105),
        problem("malformed-field",
                "field ':param string ref an optional reference' has no closing ':'", 106),
    ]
    assert (parsed.body_params, parsed.query_params, parsed.path_params) == ((), (), ())
    assert parsed.auth is None


def test_unknown_types_are_reported_and_the_parameter_kept() -> None:
    doc = """
    Create a Release

    :param strng version: a version identifier.
    :param array[strnig] projects: the projects.
    :qparam Decimal limit: at most this many.
    :param array[url] links: some links.
    """

    parsed, diagnostics = parse(doc, line=30)

    assert diagnostics == [
        problem("unknown-type", "unknown type 'strng' of body parameter 'version'", 32,
                "Did you mean 'string'?"),
        problem("unknown-type", "unknown type 'array[strnig]' of body parameter 'projects'",
                33, "Did you mean 'array[string]'?"),
        problem("unknown-type", "unknown type 'Decimal' of query parameter 'limit'", 34,
                "known types: array, bool, boolean, datetime, dict, file, float, int, integer, "
                "list, number, object, querystring, str, string, timestamp, url, "
                "and array[TYPE]"),
    ]
    assert [(p.name, p.type_name) for p in parsed.body_params] == [
        ("version", "strng"), ("projects", "array[strnig]"), ("links", "array[url]"),
    ]
    assert [(p.name, p.type_name) for p in parsed.query_params] == [("limit", "Decimal")]


def test_duplicates_are_reported_and_the_first_one_kept() -> None:
    doc = """
    List Releases

    :qparam string cursor: the first.
    :qparam int cursor: the second.
    :auth: required
    :auth: optional
    """

    parsed, diagnostics = parse(doc, line=60)

    assert diagnostics == [
        problem("duplicate-parameter",
                "query parameter 'cursor' is documented twice (first at line 62)", 63),
        problem("duplicate-field", "field ':auth:' is given twice (first at line 64)", 65),
    ]
    assert parsed.query_params == (param("cursor", "string", "the first.", "query"),)
    assert parsed.auth == "required"


def test_text_after_the_fields_is_reported() -> None:
    doc = """
    Delete a Release

    :auth: required

    Deleting is permanent.
    """

    parsed, diagnostics = parse(doc, line=5)

    assert diagnostics == [
        problem("unexpected-text",
                "text after the fields belongs to no field: 'Deleting is permanent.'", 9,
                "indent it to continue the field above, or move it before the fields"),
    ]
    assert (parsed.description, parsed.auth) == ("", "required")


def test_every_problem_is_reported_and_good_fields_are_kept() -> None:
    doc = """
    Update a Release
    ````````````````

    Update a release.

    :pparam string version: the version.
    :returns: nothing
    :param strng ref: a reference.
    :param string url: a URL.
    :param string url: again.
    """

    parsed, diagnostics = parse(doc, line=70)

    assert [(d.code, d.line, d.endpoint, d.file) for d in diagnostics] == [
        ("unknown-field", 76, "put-thing", "app/views.py"),
        ("unknown-type", 77, "put-thing", "app/views.py"),
        ("duplicate-parameter", 79, "put-thing", "app/views.py"),
    ]
    assert [p.name for p in parsed.path_params + parsed.body_params] == [
        "version", "ref", "url",
    ]


def test_lines_under_a_broken_field_do_not_join_the_field_above() -> None:
    doc = """
    Update a Release

    :param string ref: a reference.
    :param string url a URL that
        points to the release.
    :auth: required
    Stray text
        and its second line.
    """

    parsed, diagnostics = parse(doc, line=1)

    assert [(d.code, d.line) for d in diagnostics] == [
        ("malformed-field", 4), ("unexpected-text", 7),
    ]
    assert parsed.body_params == (param("ref", "string", "a reference.", "body"),)
    assert parsed.auth == "required"
