"""A model as the OpenAPI importer builds it, written by hand: operations, components, webhooks.

Shared by the schema-view, synthesis and round-trip tests (and the ``imported_model`` golden).
"""

from __future__ import annotations

from typing import Any

from apiscribe.model import (
    ApiModel,
    Endpoint,
    MediaType,
    NamedExample,
    Parameter,
    RequestBody,
    Response,
    Section,
    Tag,
)

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "description": "A pet in the store.",
        "required": ["name"],
        "properties": {
            "id": {"type": "integer", "format": "int64", "readOnly": True},
            "name": {"type": "string", "description": "The pet's | name.", "example": "Rex"},
            "status": {
                "type": "string",
                "enum": ["available", "sold"],
                "default": "available",
                "description": "Where the pet is.",
            },
            "category": ref("Category"),
            "tags": {"type": "array", "items": ref("Tag")},
            "owner": {"oneOf": [ref("User"), {"type": "null"}]},
            "secret": {"type": "string", "writeOnly": True, "description": "Never shown back."},
            "born": {"type": ["string", "null"], "format": "date"},
        },
    },
    "NewPet": {
        "allOf": [
            ref("Pet"),
            {"type": "object", "properties": {"note": {"type": "string", "deprecated": True}}},
        ]
    },
    "Category": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    },
    "Tag": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}},
    "User": {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "friends": {"type": "array", "items": ref("User")},
            "address": {
                "type": "object",
                "properties": {
                    "city": {
                        "type": "object",
                        "properties": {
                            "district": {
                                "type": "object",
                                "properties": {
                                    "street": {
                                        "type": "object",
                                        "properties": {"number": {"type": "integer"}},
                                    }
                                },
                            }
                        },
                    }
                },
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "integer", "format": "int32", "minimum": 400},
            "message": {"type": "string"},
        },
    },
}
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "api_key": {"type": "apiKey", "name": "X-Api-Key", "in": "header"},
}
ERROR = Response("default", "Something went wrong.", (MediaType(JSON, ref("Error")),))

LIST_PETS = Endpoint(
    name="listPets",
    section="pets",
    method="GET",
    api_path="/pets",
    title="List pets",
    description="Every pet, a page at a time.",
    operation_id="listPets",
    parameters=(
        Parameter(
            "limit", "query", "How many pets to return.",
            schema={"type": "integer", "format": "int32", "maximum": 100, "default": 20},
            examples=(NamedExample("", 10),),
        ),
        Parameter(
            "status", "query", "Only pets with this status.",
            schema={"type": "string", "enum": ["available", "sold"]},
        ),
        Parameter(
            "X-Request-Id", "header", "Traces the request.", required=True,
            schema={"type": "string", "format": "uuid"},
        ),
        Parameter(
            "session", "cookie", "The old session cookie.", deprecated=True,
            schema={"type": "string"},
        ),
    ),
    tags=("pets",),
    responses=(
        Response(
            "200",
            "A page of pets.",
            (MediaType(JSON, {"type": "array", "items": ref("Pet")}),),
            headers=(Parameter("x-next", "header", "The next page.", schema={"type": "string"}),),
        ),
        ERROR,
    ),
    security=[{"bearerAuth": []}],
)

CAT = {"name": "Tom", "status": "available", "tags": [{"name": "grey"}]}
CREATE_PET = Endpoint(
    name="createPet",
    section="pets",
    method="POST",
    api_path="/pets",
    title="Create a pet",
    operation_id="createPet",
    tags=("pets",),
    request_body=RequestBody(
        "The pet to add.",
        True,
        (
            MediaType(
                JSON,
                ref("NewPet"),
                (NamedExample("cat", CAT, summary="A cat"),),
            ),
            MediaType(
                "application/x-www-form-urlencoded",
                ref("NewPet"),
                extensions={"encoding": {"tags": {"style": "form", "explode": True}}},
            ),
        ),
    ),
    responses=(
        Response(
            "201",
            "The pet as stored.",
            (MediaType(JSON, ref("Pet"), (NamedExample("", {"id": 7, **CAT}),)),),
            links={
                "GetPet": {
                    "operationId": "getPet",
                    "parameters": {"petId": "$response.body#/id"},
                }
            },
        ),
        Response("400", "The pet is not valid.", (MediaType(JSON, ref("Error")),)),
    ),
    extensions={
        "externalDocs": {"url": "https://docs.example.com/pets"},
        "x-rate-limit": 10,
        "callbacks": {
            "adopted": {
                "{$request.body#/callbackUrl}": {
                    "post": {
                        "requestBody": {"content": {JSON: {"schema": ref("Pet")}}},
                        "responses": {"200": {"description": "Received."}},
                    }
                }
            }
        },
    },
)

GET_PET = Endpoint(
    name="getPet",
    section="pets",
    method="GET",
    api_path="/pets/{petId}",
    title="Get a pet",
    operation_id="getPet",
    parameters=(
        Parameter(
            "petId", "path", "The pet's id.", required=True,
            schema={"type": "integer", "format": "int64"},
            examples=(NamedExample("small", 42, summary="A small id"), NamedExample("big", 9000)),
        ),
    ),
    tags=("pets",),
    deprecated=True,
    responses=(
        Response("200", "The pet.", (MediaType(JSON, ref("Pet")),)),
        Response("404", "No such pet."),
    ),
    security=[],
)

NEW_PET_HOOK = Endpoint(
    name="newPet",
    section="pets",
    method="POST",
    api_path="newPet",
    title="A pet was added",
    tags=("pets",),
    request_body=RequestBody("The new pet.", False, (MediaType(JSON, ref("Pet")),)),
    responses=(Response("200", "Return a 200 status to say the pet was received."),),
    webhook=True,
)

PING = Endpoint(
    name="get-ping",
    section="health",
    method="GET",
    api_path="/ping",
    title="Ping",
    operation_id="get-ping",
    authentication="none",
    security=[],
)

MODEL = ApiModel(
    title="Pet Store",
    version="1.2.0",
    description="Pets, sold online.",
    base_url="https://petstore.example.com/v1",
    sections=(
        Section("pets", "pets", (LIST_PETS, CREATE_PET, GET_PET, NEW_PET_HOOK), "Pets for sale."),
        Section("health", "Health", (PING,)),
    ),
    schemas=SCHEMAS,
    security_schemes=SECURITY_SCHEMES,
    security=[{"api_key": []}],
    tags=(Tag("Health"),),
    extensions={
        "servers": [{"url": "https://petstore.example.com/v1"}],
        "externalDocs": {"url": "https://docs.example.com"},
        "x-logo": {"url": "https://example.com/logo.png"},
    },
)
