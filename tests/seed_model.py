"""Endpoints as the docstring and JSON-doc sources build them, for tests that write models by
hand: docstring types with their schemas, body parameters as the request body's fields, and
the endpoint name as the operationId."""

from __future__ import annotations

from typing import Any

from apiscribe.model import Endpoint, Parameter, ParamLocation, RequestBody
from apiscribe.model.types import schema_of


def param(name: str, type_name: str, description: str, location: ParamLocation,
          required: bool = False) -> Parameter:
    """A parameter as a docstring field (``:pparam TYPE NAME: text``) gives it."""
    return Parameter(name, location, description, required=required,
                     schema=schema_of(type_name), type_name=type_name)


def seed_endpoint(
    name: str, section: str, method: str, api_path: str, title: str = "", *,
    path_parameters: tuple[Parameter, ...] | None = None,
    query_parameters: tuple[Parameter, ...] | None = None,
    parameters: tuple[Parameter, ...] | None = None,
    **fields: Any,
) -> Endpoint:
    """An endpoint with the JSON doc's three parameter lists."""
    return Endpoint(
        name, section, method, api_path, title, operation_id=name,
        parameters=(path_parameters or ()) + (query_parameters or ()),
        request_body=RequestBody(fields=parameters) if parameters is not None else None,
        **fields,
    )
