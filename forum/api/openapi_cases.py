"""The OpenAPI description of the case, post and notification routes."""

from forum.api.openapi_base import BEARER, json_content, ref, responses

TYPES = {
    "int": {"type": "integer"},
    "text": {"type": "string"},
    "bool": {"type": "boolean"},
    "time": {"type": "string", "format": "date-time"},
}


def fields(spec: str) -> dict:
    """Properties written "name:type" (int, text, bool, time; a trailing ? allows null; Capitalised = a schema)."""
    described = {}
    for word in spec.split():
        name, kind = word.split(":")
        base = ref(kind.rstrip("?")) if kind[0].isupper() else dict(TYPES[kind.rstrip("?")])
        if kind.endswith("?"):
            base["type"] = [base["type"], "null"]
        described[name] = base
    return described


def obj(required: str, spec: str = "", **special: dict) -> dict:
    """An object schema: required names, "name:type" properties, and properties that need more words."""
    return {"type": "object", "required": required.split(), "properties": {**fields(spec), **special}}


def page_of(item: dict, spec: str = "") -> dict:
    """The list shape: items, total, page, pages."""
    return obj("items total page pages", "total:int page:int pages:int " + spec, items={"type": "array", "items": item})


def no_content(*errors: int) -> dict:
    """A 204 answer plus the error statuses a route may answer."""
    return {"204": {"description": "Done"}, **{k: v for k, v in responses("200", {}, *errors).items() if k != "200"}}


def guarded(described: dict) -> dict:
    """A 422 that is either refused fields or the de-identification guard's findings."""
    schema = {"oneOf": [ref("Error"), ref("PatientDataError")]}
    return {
        **described,
        "422": {"description": "Invalid fields or likely patient data", "content": json_content(schema)},
    }


def operation(summary: str, answers: dict, *, path: str = "", query: dict | None = None, body: dict | None = None):
    """A bearer-authenticated operation: an integer path parameter, optional query parameters, a JSON body."""
    params = [{"name": path, "in": "path", "required": True, "schema": TYPES["int"]}] if path else []
    params += [{"name": name, "in": "query", "required": False, "schema": s} for name, s in (query or {}).items()]
    described = {"summary": summary, "security": BEARER, "responses": answers}
    if params:
        described["parameters"] = params
    if body is not None:
        described["requestBody"] = {"required": True, "content": json_content(body)}
    return described


CONFIRM = {"type": "boolean", "description": "JSON true publishes despite the guard's findings; nothing else confirms"}
QUESTION_TYPE = {"enum": ["diagnosis", "treatment", "referral", "administrative", "other"]}
PAGE = {"type": "integer", "minimum": 1}

CASE_SCHEMAS = {
    "Author": obj(
        "id pseudonym anonymous label",
        "id:int? pseudonym:text? anonymous:bool label:text profession:text? specialty:text? is_you:bool "
        "conflict_of_interest:bool",
    ),
    "Post": obj(
        "id body_html author created_at",
        "id:int body_html:text author:Author created_at:time edited:bool edited_at:time? deleted:bool hidden:bool "
        "helpful_count:int voted_helpful:bool accepted:bool quoted_post_id:int?",
    ),
    "CaseSummary": obj(
        "id title specialty tags status",
        "id:int title:text specialty:text question_type:text age_band:text? patient_sex:text? reply_count:int "
        "locked:bool has_outcome:bool created_at:time last_activity_at:time author:Author unread:bool",
        tags={"type": "array", "items": TYPES["text"]},
        status={"enum": ["open", "solved"]},
    ),
    "Case": {
        "allOf": [
            ref("CaseSummary"),
            obj(
                "body_html replies",
                "body_html:text opening:Post accepted_post_id:int? outcome_html:text? outcome_at:time? "
                "solved_at:time? following:bool first_unread_post_id:int? is_author:bool hidden:bool",
                replies={"type": "array", "items": ref("Post")},
            ),
        ]
    },
    "NewCase": obj(
        "title body specialty question_type",
        "title:text body:text specialty:text anonymous:bool",
        question_type=QUESTION_TYPE,
        tags={"oneOf": [{"type": "array", "items": TYPES["text"], "maxItems": 8}, TYPES["text"]]},
        age_band={"enum": ["<1", "1-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+"]},
        patient_sex={"enum": ["female", "male", "other"]},
        confirm_no_patient_data=CONFIRM,
    ),
    "Finding": obj(
        "kind text start end",
        "text:text start:int end:int field:text",
        kind={"enum": ["nir", "name", "birth_date", "phone", "email", "address", "record_number"]},
    ),
    "PatientDataError": obj(
        "error",
        error=obj(
            "code message findings",
            "message:text",
            code={"const": "patient_data"},
            findings={"type": "array", "items": ref("Finding")},
        ),
    ),
    "Notification": obj(
        "id kind created_at read",
        "id:int case_id:int? post_id:int? case_title:text? created_at:time read:bool",
        kind={"enum": ["reply_to_my_case", "reply_to_followed", "answer_accepted", "mention", "outcome_reminder"]},
    ),
}

HELPFUL = obj("id helpful_count voted_helpful", "id:int helpful_count:int voted_helpful:bool")
VIEWS = {"enum": ["latest", "unanswered", "solved", "specialty", "participated", "unread"]}
LIST_FILTERS = {"view": VIEWS, "specialty": TYPES["text"], "tag": TYPES["text"], "status": {"enum": ["open", "solved"]}}

CASE_PATHS = {
    "/cases": {
        "get": operation(
            "A page of cases, newest activity first (verified members)",
            responses("200", page_of(ref("CaseSummary"), "view:text"), 401, 403),
            query={**LIST_FILTERS, "outcome": {"enum": ["true"]}, "page": PAGE},
        ),
        "post": operation(
            "Publish a case, once the de-identification guard is satisfied",
            guarded(responses("201", ref("Case"), 400, 401, 403)),
            body=ref("NewCase"),
        ),
    },
    "/cases/{case_id}": {
        "get": operation(
            "A case with its replies; reading it marks it read",
            responses("200", ref("Case"), 401, 403, 404),
            path="case_id",
        )
    },
    "/cases/{case_id}/replies": {
        "post": operation(
            "Answer a case",
            guarded(responses("201", ref("Post"), 400, 401, 403, 404, 409)),
            path="case_id",
            body=obj("body", "body:text quoted_post_id:int", confirm_no_patient_data=CONFIRM),
        )
    },
    "/cases/{case_id}/accept": {
        "post": operation(
            "The case author accepts a reply; the case becomes solved",
            responses("200", ref("Case"), 400, 401, 403, 404, 422),
            path="case_id",
            body=obj("post_id", "post_id:int"),
        )
    },
    "/cases/{case_id}/follow": {
        "post": operation("Follow a case", no_content(401, 403, 404), path="case_id"),
        "delete": operation("Stop following a case", no_content(401, 403, 404), path="case_id"),
    },
    "/cases/{case_id}/outcome": {
        "post": operation(
            "The case author tells what happened to the patient",
            guarded(responses("200", ref("Case"), 400, 401, 403, 404)),
            path="case_id",
            body=obj("outcome", "outcome:text", confirm_no_patient_data=CONFIRM),
        )
    },
    "/posts/{post_id}": {
        "patch": operation(
            "Edit one's own post (and the title, for the opening post)",
            guarded(responses("200", ref("Post"), 400, 401, 403, 404, 409)),
            path="post_id",
            body=obj("body", "body:text title:text", confirm_no_patient_data=CONFIRM),
        ),
        "delete": operation(
            "Delete one's own post; deleting the opening post removes the case",
            no_content(401, 403, 404),
            path="post_id",
        ),
    },
    "/posts/{post_id}/helpful": {
        "post": operation(
            "Mark a reply helpful (once, never one's own)",
            responses("200", HELPFUL, 401, 403, 404, 409),
            path="post_id",
        ),
        "delete": operation(
            "Take back one's helpful mark", responses("200", HELPFUL, 401, 403, 404, 409), path="post_id"
        ),
    },
    "/posts/{post_id}/flags": {
        "post": operation(
            "Report a post to the moderators",
            responses("201", obj("id post_id state", "id:int post_id:int state:text"), 400, 401, 403, 404, 409, 422),
            path="post_id",
            body=obj("reason", "reason:text"),
        )
    },
    "/notifications": {
        "get": operation(
            "The member's notifications, newest first, with the unread count",
            responses("200", page_of(ref("Notification"), "unread:int"), 401, 403),
            query={"page": PAGE, "unread": {"enum": ["true"]}},
        )
    },
    "/notifications/read": {"post": operation("Mark every notification read", no_content(401, 403))},
    "/tags": {
        "get": operation(
            "Existing tags starting with a prefix, most used first",
            responses("200", obj("items", items={"type": "array", "items": TYPES["text"]}), 401, 403),
            query={"prefix": TYPES["text"]},
        )
    },
}
