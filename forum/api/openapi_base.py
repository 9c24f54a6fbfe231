"""Small builders shared by the parts of the OpenAPI document."""


def ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    """A JSON media type holding a schema."""
    return {"application/json": {"schema": schema}}


def responses(ok_status: str, ok_schema: dict, *errors: int) -> dict:
    """A success response plus the error statuses a route may answer."""
    described = {ok_status: {"description": "Success", "content": json_content(ok_schema)}}
    for status in errors:
        described[str(status)] = {"description": "Error", "content": json_content(ref("Error"))}
    return described


BEARER = [{"bearer": []}]
