"""Command-line output speaks the terminal's language (LC_ALL, LC_MESSAGES, LANG), French or English."""

import pytest

from forum.terminal import terminal_locale

NO_LOCALE = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_BE.UTF-8@euro"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),  # a language the site does not speak
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL overrides everything, as POSIX says
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": ""}, "fr"),  # set but empty counts as unset
    ],
)
def test_the_terminal_language_is_read_as_posix_does(app, monkeypatch, environment, language):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert terminal_locale() == language


@pytest.mark.unmigrated
def test_init_speaks_french_in_a_french_terminal(runner):
    result = runner.invoke(
        args=["forum", "init", "--url", "http://localhost"], env={**NO_LOCALE, "LANG": "fr_FR.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert "La base de données est à jour." in result.output
    assert "Pas encore d'administrateur. Créez le premier (lien à usage unique) :" in result.output
    english = runner.invoke(args=["forum", "init", "--url", "http://localhost"], env={**NO_LOCALE, "LANG": "C.UTF-8"})
    assert "The database is up to date." in english.output and "No admin yet. Create the first one" in english.output


def test_refusals_speak_french_too_and_change_nothing(runner, tmp_path):
    french = {**NO_LOCALE, "LC_ALL": "fr_FR.UTF-8"}
    result = runner.invoke(args=["forum", "restore", str(tmp_path / "nowhere"), "--yes"], env=french)
    assert result.exit_code == 1 and "n'existe pas ou n'est pas un dossier." in result.output
    assert "Traceback" not in result.output
    demo = runner.invoke(args=["forum", "seed-demo", "--cases", "0", "--replies", "5"], env=french)
    assert demo.exit_code == 1 and "Les réponses demandent au moins un cas (--cases)." in demo.output
    created = runner.invoke(
        args=["forum", "create-user", "--email", "x@example.org", "--password", "court", "--pseudonym", "Court"],
        env=french,
    )
    assert created.exit_code == 1 and "12 caractères" in created.output


def test_the_directory_import_reports_in_french(runner, tmp_path):
    extract = tmp_path / "PS_LibreAcces_Personne_activite_0.txt"
    extract.write_bytes(b"")
    result = runner.invoke(args=["forum", "import-directory", str(extract)], env={**NO_LOCALE, "LANG": "fr_FR.UTF-8"})
    assert result.exit_code == 1 and "importez le .txt de l'archive" in result.output
