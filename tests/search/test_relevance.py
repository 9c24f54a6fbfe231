"""A labelled set of cases and queries with the expected top results."""

import pytest

LABELLED = [
    ("Douleur thoracique atypique chez un coureur", "Douleur à l'effort, ECG normal, troponine négative.", {}),
    ("Éruption cutanée après amoxicilline", "Une éruption maculopapuleuse au 5e jour du traitement.", {}),
    (
        "Infarctus du myocarde inférieur",
        "Sus-décalage en inférieur, coronarographie faite.",
        {"specialty": "cardiology"},
    ),
    ("IDM sans sus-décalage", "Troponine positive, douleur typique.", {"specialty": "cardiology"}),
    ("HTA résistante", "Trois antihypertenseurs dont un diurétique, PA toujours haute.", {"tags": ["hta"]}),
    ("Hypertension artérielle du sujet âgé", "Quelle cible tensionnelle à 85 ans ?", {"tags": ["geriatrie"]}),
    ("Chest pains in a young runner", "Running makes the pain worse; diseases ruled out.", {}),
]


@pytest.fixture
def labelled(make_case):
    """The labelled cases, by title."""
    return {title: make_case(title=title, body=body, **{"tags": [], **extra}) for title, body, extra in LABELLED}


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("douleurs thoraciques", "Douleur thoracique atypique chez un coureur"),
        ("eruption", "Éruption cutanée après amoxicilline"),
        ("ERUPTIONS CUTANEES", "Éruption cutanée après amoxicilline"),
        ("ecg", "Douleur thoracique atypique chez un coureur"),
        ("chest pain run", "Chest pains in a young runner"),
        ('"sus-décalage en inférieur"', "Infarctus du myocarde inférieur"),
    ],
)
def test_inflections_accents_case_and_phrases_find_the_case(labelled, titles, query, expected_first):
    assert titles(query)[:1] == [expected_first]


def test_synonyms_expand_both_ways(labelled, titles):
    both = {"Infarctus du myocarde inférieur", "IDM sans sus-décalage"}
    assert set(titles("IDM")) == both
    assert set(titles("infarctus du myocarde")) == both
    assert set(titles("hypertension artérielle")) >= {"HTA résistante", "Hypertension artérielle du sujet âgé"}
    assert set(titles("hta")) >= {"HTA résistante", "Hypertension artérielle du sujet âgé"}


def test_an_exact_phrase_needs_its_words_in_order(labelled, titles):
    assert titles('"thoracique douleur"') == []
    assert titles('"douleur thoracique"') == ["Douleur thoracique atypique chez un coureur"]


def test_exclusion_and_or(labelled, titles):
    assert titles("troponine -IDM") == ["Douleur thoracique atypique chez un coureur"]
    assert set(titles("amoxicilline OR coronarographie")) == {
        "Éruption cutanée après amoxicilline",
        "Infarctus du myocarde inférieur",
    }
    assert titles("troponine idm") == ["IDM sans sus-décalage"]


def test_filters_narrow_and_facets_count(labelled, find, titles):
    assert set(titles("IDM", specialty="cardiology")) == {"Infarctus du myocarde inférieur", "IDM sans sus-décalage"}
    assert titles("douleur", specialty="cardiology") == ["IDM sans sus-décalage"]
    assert titles("", tag="hta") == ["HTA résistante"]
    result = find("douleur")
    assert {"value": "cardiology", "count": 1} in result["facets"]["specialty"]
    assert titles("douleur", solved="true") == []
    assert len(titles("douleur", solved="false")) == 2


def test_a_misspelled_word_gets_a_suggestion_from_the_index(labelled, find):
    result = find("amoxicilinne")
    assert result["total"] == 0
    assert result["suggestion"] == "amoxicilline"


def test_snippets_highlight_the_match_and_escape_text(make_case, find):
    make_case(title="Cas", body="Le patient écrit <script>alert(1)</script> puis une éruption apparaît.")
    snippet = find("eruption")["items"][0]["snippet_html"]
    assert '<mark class="match term0">éruption</mark>' in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet or "script" not in snippet


def test_sort_by_date_puts_the_newest_first(labelled, titles):
    assert titles("idm", sort=None)[0] in {"Infarctus du myocarde inférieur", "IDM sans sus-décalage"}


def test_results_are_paginated(make_case, find):
    for n in range(23):
        make_case(title=f"Lombalgie numéro {n}", body="Lombalgie commune.")
    first, second = find("lombalgie"), find("lombalgie", page=2)
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (23, 2, 20, 3)
    assert not {i["case_id"] for i in first["items"]} & {i["case_id"] for i in second["items"]}


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Œdème des membres inférieurs", "oedemes"),
        ("Oedème du visage", "Œdème"),
        ("Cœur pulmonaire chronique", "COEUR"),
        ("Anémie ferriprive", "anemie"),
        ("Syndrome de Sjögren", "sjogren"),
        ("Naïve T cells and café-au-lait spots", "naive cafe"),
    ],
)
def test_accents_and_ligatures_do_not_matter_in_french_or_english(make_case, titles, title, query):
    make_case(title=title, body="Texte du cas.", tags=[])
    assert titles(query) == [title]
