"""API: cases, replies, votes, follows, outcomes, reports, notifications, tags; the guard and access on every route."""

import json

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Case, CaseFollow, Flag, HelpfulVote, Notification, Post, PostVersion, Tag
from forum.moderation.content import set_post_hidden
from tests.conftest import CASE

IDENTIFYING = "Mme Dupont, née le 12/03/1954, tél 06 12 34 56 78"


def get_case(client, case_id: int, headers: dict) -> dict:
    """GET a case, asserting it is there."""
    response = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def error_of(response) -> dict:
    """The error object of a JSON error answer."""
    return response.get_json()["error"]


def count(model) -> int:
    """Rows of a model in the database."""
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot() -> tuple:
    """Everything a refused request must leave as it was."""
    cases = select(Case.id, Case.title, Case.status, Case.accepted_post_id, Case.outcome_md, Case.reply_count)
    posts = select(Post.id, Post.body_md, Post.deleted_at, Post.helpful_count, Post.quoted_post_id)
    counted = (CaseFollow, Flag, HelpfulVote, Notification, PostVersion, Tag)
    return (
        db.session.execute(cases.order_by(Case.id)).all(),
        db.session.execute(posts.order_by(Post.id)).all(),
        [count(model) for model in counted],
    )


def schema_validator(client, name: str) -> Draft202012Validator:
    """A validator for one component schema of the OpenAPI document."""
    document = client.get("/api/v1/openapi.json").get_json()
    return Draft202012Validator({"components": document["components"], "$ref": f"#/components/schemas/{name}"})


# --- Writing and reading cases ------------------------------------------------------------------


def test_create_returns_201_with_the_case_that_get_returns(client, make_user, bearer):
    headers = bearer(make_user())
    response = client.post("/api/v1/cases", json=CASE, headers=headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/cases/{created['id']}")
    assert created["title"] == CASE["title"] and created["specialty"] == "general-practice"
    assert created["tags"] == ["cardiologie", "douleur-thoracique"]
    assert created["status"] == "open" and created["replies"] == []
    assert "<strong>atypique</strong>" in created["body_html"]
    assert (created["age_band"], created["patient_sex"], created["question_type"]) == ("50-59", "male", "diagnosis")
    assert created["author"]["is_you"] and created["following"] and created["is_author"]
    assert get_case(client, created["id"], headers) == created
    schema_validator(client, "Case").validate(created)


def test_tags_may_be_one_comma_separated_string_and_are_normalised(client, make_user, bearer):
    tags = "Insuffisance cardiaque, HTA, hta"
    response = client.post("/api/v1/cases", json={**CASE, "tags": tags}, headers=bearer(make_user()))
    assert response.status_code == 201
    assert response.get_json()["tags"] == ["hta", "insuffisance-cardiaque"]


def test_list_has_the_list_shape_and_applies_the_filters(client, make_user, bearer):
    headers = bearer(make_user())
    first = client.post("/api/v1/cases", json=CASE, headers=headers).get_json()
    skin = {**CASE, "title": "Lésion pigmentée du dos", "specialty": "dermatology", "tags": ["naevus"]}
    second = client.post("/api/v1/cases", json=skin, headers=headers).get_json()
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    assert (listed["total"], listed["page"], listed["pages"]) == (2, 1, 1)
    assert [item["id"] for item in listed["items"]] == [second["id"], first["id"]]
    validator = schema_validator(client, "CaseSummary")
    for item in listed["items"]:
        validator.validate(item)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/cases?{query}", headers=headers)
        assert response.status_code == 200
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("specialty=dermatology") == [second["id"]]
    assert ids("tag=cardiologie") == [first["id"]]
    assert ids("status=solved") == [] and ids("view=solved") == []
    assert ids("view=unanswered") == [second["id"], first["id"]]
    assert ids("outcome=true") == [] and len(ids("outcome=false")) == 2
    assert ids("page=abc") == ids("page=-3") == ids("page=99") == [second["id"], first["id"]]
    assert ids("view=nonsense") == [second["id"], first["id"]]


def test_unknown_case_or_post_is_a_json_404(client, make_user, bearer):
    headers = bearer(make_user())
    for method, path, body in [
        ("get", "/api/v1/cases/999", None),
        ("post", "/api/v1/cases/999/replies", {"body": "Bonjour"}),
        ("post", "/api/v1/cases/999/follow", None),
        ("patch", "/api/v1/posts/999", {"body": "Bonjour"}),
        ("post", "/api/v1/posts/999/helpful", None),
        ("post", "/api/v1/posts/999/flags", {"reason": "Spam"}),
    ]:
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


# --- Replies, edits, deletion ---------------------------------------------------------------------


def test_a_reply_is_201_and_appears_in_the_case_as_returned(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    response = client.post(
        f"/api/v1/cases/{ids['case']}/replies",
        json={"body": "Je cite l'énoncé.", "quoted_post_id": ids["opening"]},
        headers=headers["other"],
    )
    assert response.status_code == 201
    reply = response.get_json()
    assert reply["quoted_post_id"] == ids["opening"] and reply["author"]["is_you"]
    schema_validator(client, "Post").validate(reply)
    case = get_case(client, ids["case"], headers["other"])
    assert case["replies"][-1] == reply
    assert case["reply_count"] == 3


def test_quoting_a_post_of_another_case_is_refused(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    other_case = client.post("/api/v1/cases", json=CASE, headers=headers["other"]).get_json()
    response = client.post(
        f"/api/v1/cases/{other_case['id']}/replies",
        json={"body": "Hors sujet", "quoted_post_id": ids["reply"]},
        headers=headers["other"],
    )
    assert response.status_code == 422 and "quoted_post_id" in error_of(response)["fields"]


def test_authors_edit_their_posts_and_the_opening_post_title(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    response = client.patch(
        f"/api/v1/posts/{ids['opening']}",
        json={"body": "Texte *revu*.", "title": "Douleur thoracique : ECG normal"},
        headers=headers["author"],
    )
    assert response.status_code == 200
    post = response.get_json()
    assert post["edited"] and "<em>revu</em>" in post["body_html"]
    case = get_case(client, ids["case"], headers["other"])
    assert case["title"] == "Douleur thoracique : ECG normal" and case["body_html"] == post["body_html"]
    assert count(PostVersion) == 1
    stranger = client.patch(f"/api/v1/posts/{ids['reply']}", json={"body": "Pirate"}, headers=headers["other"])
    assert stranger.status_code == 403 and error_of(stranger)["code"] == "not_author"


def test_a_deleted_reply_keeps_its_place_without_its_text_except_for_moderators(client, thread, make_user, bearer):
    ids, headers = thread["ids"], thread["headers"]
    stranger = client.delete(f"/api/v1/posts/{ids['reply']}", headers=headers["other"])
    assert stranger.status_code == 403
    assert client.delete(f"/api/v1/posts/{ids['reply']}", headers=headers["replier"]).status_code == 204
    case = get_case(client, ids["case"], headers["other"])
    deleted = next(reply for reply in case["replies"] if reply["id"] == ids["reply"])
    assert deleted["deleted"] and deleted["body_html"] == ""
    assert case["reply_count"] == 1
    moderator = bearer(make_user(role="moderator", totp=True))
    seen = next(r for r in get_case(client, ids["case"], moderator)["replies"] if r["id"] == ids["reply"])
    assert "test d'effort" in seen["body_html"]


def test_deleting_the_opening_post_removes_the_case(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    assert client.delete(f"/api/v1/posts/{ids['opening']}", headers=headers["author"]).status_code == 204
    assert client.get(f"/api/v1/cases/{ids['case']}", headers=headers["other"]).status_code == 404
    assert client.get("/api/v1/cases", headers=headers["other"]).get_json()["total"] == 0


def test_a_hidden_reply_is_gone_for_members_and_shown_to_moderators(client, thread, make_user, bearer):
    ids, headers = thread["ids"], thread["headers"]
    moderator = make_user(role="moderator", totp=True)
    set_post_hidden(moderator, ids["reply"], True)
    replies = get_case(client, ids["case"], headers["other"])["replies"]
    assert ids["reply"] not in [reply["id"] for reply in replies]
    assert client.post(f"/api/v1/posts/{ids['reply']}/helpful", headers=headers["author"]).status_code == 404
    seen = next(r for r in get_case(client, ids["case"], bearer(moderator))["replies"] if r["id"] == ids["reply"])
    assert seen["hidden"] and "test d'effort" in seen["body_html"]


# --- Votes, accepted answer, follows, outcome, reports -------------------------------------------


def test_helpful_once_never_one_own_and_it_can_be_taken_back(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    path = f"/api/v1/posts/{ids['reply']}/helpful"
    response = client.post(path, headers=headers["author"])
    assert response.status_code == 200
    assert response.get_json() == {"id": ids["reply"], "helpful_count": 1, "voted_helpful": True}
    again = client.post(path, headers=headers["author"])
    assert again.status_code == 409 and error_of(again)["code"] == "already_voted"
    own = client.post(path, headers=headers["replier"])
    assert own.status_code == 403 and error_of(own)["code"] == "own_post"
    opening = client.post(f"/api/v1/posts/{ids['opening']}/helpful", headers=headers["other"])
    assert opening.status_code == 409 and error_of(opening)["code"] == "not_a_reply"
    seen = next(r for r in get_case(client, ids["case"], headers["author"])["replies"] if r["id"] == ids["reply"])
    assert seen["voted_helpful"] and seen["helpful_count"] == 1
    taken_back = client.delete(path, headers=headers["author"])
    assert taken_back.status_code == 200
    assert taken_back.get_json() == {"id": ids["reply"], "helpful_count": 0, "voted_helpful": False}
    assert count(HelpfulVote) == 0


def test_only_the_case_author_accepts_a_reply_and_the_case_becomes_solved(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    path = f"/api/v1/cases/{ids['case']}/accept"
    stranger = client.post(path, json={"post_id": ids["reply"]}, headers=headers["replier"])
    assert stranger.status_code == 403 and error_of(stranger)["code"] == "not_author"
    opening = client.post(path, json={"post_id": ids["opening"]}, headers=headers["author"])
    assert opening.status_code == 422 and "post_id" in error_of(opening)["fields"]
    response = client.post(path, json={"post_id": ids["reply"]}, headers=headers["author"])
    assert response.status_code == 200
    case = response.get_json()
    assert case["status"] == "solved" and case["accepted_post_id"] == ids["reply"] and case["solved_at"]
    assert next(r for r in case["replies"] if r["id"] == ids["reply"])["accepted"]
    solved = client.get("/api/v1/cases?status=solved", headers=headers["other"]).get_json()
    assert [item["id"] for item in solved["items"]] == [ids["case"]]
    kinds = [n["kind"] for n in client.get("/api/v1/notifications", headers=headers["replier"]).get_json()["items"]]
    assert "answer_accepted" in kinds


def test_following_a_case_brings_notifications_of_its_replies_until_unfollowed(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    follow = f"/api/v1/cases/{ids['case']}/follow"
    assert client.post(follow, headers=headers["other"]).status_code == 204
    assert client.post(follow, headers=headers["other"]).status_code == 204
    assert get_case(client, ids["case"], headers["other"])["following"]
    client.post(f"/api/v1/cases/{ids['case']}/replies", json={"body": "Une piste"}, headers=headers["replier"])
    notes = client.get("/api/v1/notifications", headers=headers["other"]).get_json()
    assert [n["kind"] for n in notes["items"]] == ["reply_to_followed"]
    assert client.delete(follow, headers=headers["other"]).status_code == 204
    assert not get_case(client, ids["case"], headers["other"])["following"]
    client.post(f"/api/v1/cases/{ids['case']}/replies", json={"body": "Autre piste"}, headers=headers["replier"])
    assert client.get("/api/v1/notifications", headers=headers["other"]).get_json()["total"] == 1


def test_the_author_adds_the_outcome(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    path = f"/api/v1/cases/{ids['case']}/outcome"
    stranger = client.post(path, json={"outcome": "Guéri"}, headers=headers["replier"])
    assert stranger.status_code == 403 and error_of(stranger)["code"] == "not_author"
    response = client.post(path, json={"outcome": "Angor confirmé, *stent* posé."}, headers=headers["author"])
    assert response.status_code == 200
    case = response.get_json()
    assert case["has_outcome"] and "<em>stent</em>" in case["outcome_html"] and case["outcome_at"]
    with_outcome = client.get("/api/v1/cases?outcome=true", headers=headers["other"]).get_json()
    assert [item["id"] for item in with_outcome["items"]] == [ids["case"]]


def test_a_member_reports_a_post_once_with_a_reason(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    path = f"/api/v1/posts/{ids['reply']}/flags"
    empty = client.post(path, json={"reason": "  "}, headers=headers["other"])
    assert empty.status_code == 422 and "reason" in error_of(empty)["fields"]
    response = client.post(path, json={"reason": "Conseil dangereux"}, headers=headers["other"])
    assert response.status_code == 201
    flag = response.get_json()
    assert flag["post_id"] == ids["reply"] and flag["state"] == "open" and isinstance(flag["id"], int)
    again = client.post(path, json={"reason": "Encore"}, headers=headers["other"])
    assert again.status_code == 409 and error_of(again)["code"] == "already_flagged"
    assert count(Flag) == 1


def test_tag_suggestions_by_prefix(client, thread):
    headers = thread["headers"]["other"]
    assert client.get("/api/v1/tags?prefix=card", headers=headers).get_json() == {"items": ["cardiologie"]}
    assert client.get("/api/v1/tags", headers=headers).get_json() == {"items": ["cardiologie", "douleur-thoracique"]}
    assert client.get("/api/v1/tags?prefix=zzz", headers=headers).get_json() == {"items": []}


# --- Notifications --------------------------------------------------------------------------------


def test_a_reply_notifies_the_case_author_who_reads_and_marks_them_read(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    notes = client.get("/api/v1/notifications", headers=headers["author"]).get_json()
    assert (notes["total"], notes["page"], notes["pages"], notes["unread"]) == (1, 1, 1, 1)
    note = notes["items"][0]
    assert (note["kind"], note["case_id"], note["post_id"], note["read"]) == (
        "reply_to_my_case",
        ids["case"],
        ids["reply"],
        False,
    )
    assert note["case_title"] == CASE["title"]
    schema_validator(client, "Notification").validate(note)
    assert client.get("/api/v1/notifications?unread=true", headers=headers["author"]).get_json()["total"] == 1
    assert client.post("/api/v1/notifications/read", headers=headers["author"]).status_code == 204
    after = client.get("/api/v1/notifications", headers=headers["author"]).get_json()
    assert after["unread"] == 0 and after["total"] == 1 and after["items"][0]["read"]
    assert client.get("/api/v1/notifications?unread=true", headers=headers["author"]).get_json()["items"] == []


# --- The de-identification guard ------------------------------------------------------------------


def test_the_guard_refuses_patient_data_with_findings_that_slice_the_text(client, make_user, bearer):
    headers = bearer(make_user())
    response = client.post("/api/v1/cases", json={**CASE, "body": IDENTIFYING}, headers=headers)
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == "patient_data" and body["error"]["message"]
    schema_validator(client, "PatientDataError").validate(body)
    findings = body["error"]["findings"]
    assert {"phone", "birth_date"} <= {finding["kind"] for finding in findings}
    for finding in findings:
        assert set(finding) == {"kind", "text", "start", "end", "field"} and finding["field"] == "body"
        assert IDENTIFYING[finding["start"] : finding["end"]] == finding["text"]
    assert count(Case) == count(Post) == 0


@pytest.mark.parametrize("confirmation", ["true", 1, "yes", None])
def test_only_a_json_true_confirms_past_the_guard(client, make_user, bearer, confirmation):
    headers = bearer(make_user())
    data = {**CASE, "body": IDENTIFYING, "confirm_no_patient_data": confirmation}
    response = client.post("/api/v1/cases", json=data, headers=headers)
    assert response.status_code == 422 and error_of(response)["code"] == "patient_data"
    assert count(Case) == 0
    confirmed = client.post("/api/v1/cases", json={**data, "confirm_no_patient_data": True}, headers=headers)
    assert confirmed.status_code == 201 and "Dupont" in confirmed.get_json()["body_html"]


def test_the_guard_screens_replies_edits_titles_and_outcomes(client, thread):
    ids, headers = thread["ids"], thread["headers"]
    before = snapshot()
    refused = [
        client.post(f"/api/v1/cases/{ids['case']}/replies", json={"body": IDENTIFYING}, headers=headers["other"]),
        client.patch(f"/api/v1/posts/{ids['reply']}", json={"body": IDENTIFYING}, headers=headers["replier"]),
        client.patch(
            f"/api/v1/posts/{ids['opening']}", json={"body": "Texte", "title": IDENTIFYING}, headers=headers["author"]
        ),
        client.post(f"/api/v1/cases/{ids['case']}/outcome", json={"outcome": IDENTIFYING}, headers=headers["author"]),
    ]
    fields = []
    for response in refused:
        assert response.status_code == 422 and error_of(response)["code"] == "patient_data"
        fields.append({finding["field"] for finding in error_of(response)["findings"]})
    assert fields == [{"body"}, {"body"}, {"title"}, {"outcome"}]
    assert snapshot() == before
    confirmed = client.post(
        f"/api/v1/cases/{ids['case']}/replies",
        json={"body": IDENTIFYING, "confirm_no_patient_data": True},
        headers=headers["other"],
    )
    assert confirmed.status_code == 201


# --- Anonymous cases ------------------------------------------------------------------------------


def authors_in(value) -> list[dict]:
    """Every "author" object anywhere in a JSON document."""
    if isinstance(value, dict):
        found = [value["author"]] if isinstance(value.get("author"), dict) else []
        return found + [author for item in value.values() for author in authors_in(item)]
    if isinstance(value, list):
        return [author for item in value for author in authors_in(item)]
    return []


def test_an_anonymous_author_is_named_nowhere_even_for_moderators(client, make_user, bearer):
    author = make_user(pseudonym="DocteurDiscret")
    replier, moderator = make_user(), make_user(role="moderator", totp=True)
    mine, theirs = bearer(author), bearer(replier)
    case = client.post("/api/v1/cases", json={**CASE, "anonymous": True}, headers=mine).get_json()
    client.post(f"/api/v1/cases/{case['id']}/replies", json={"body": "Une question ?"}, headers=theirs)
    client.post(f"/api/v1/cases/{case['id']}/replies", json={"body": "Réponse de l'auteur"}, headers=mine)
    assert case["author"]["anonymous"] and case["author"]["is_you"] and case["author"]["pseudonym"] is None
    for headers in (theirs, bearer(moderator)):
        for path in (f"/api/v1/cases/{case['id']}", "/api/v1/cases", "/api/v1/notifications"):
            response = client.get(path, headers=headers)
            assert response.status_code == 200
            document = response.get_json()
            text = json.dumps(document, ensure_ascii=False)
            assert "DocteurDiscret" not in text and "docteurdiscret" not in text.casefold()
            for shown in authors_in(document):
                assert shown["id"] != author.id
                if shown["anonymous"]:
                    assert shown["id"] is None and shown["pseudonym"] is None and not shown["is_you"]
        detail = get_case(client, case["id"], headers)
        assert detail["author"]["label"] and detail["author"]["profession"] == "physician"
        assert [reply["author"]["anonymous"] for reply in detail["replies"]] == [False, True]
