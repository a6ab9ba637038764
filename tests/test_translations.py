"""Danish is the default language and must be complete; English falls back to the msgids.

The catalogue is checked against the source (a new UI string without a Danish text fails
here), and the running app is checked to speak Danish by default, English on request, and
Danish in WTForms' own validation messages too.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "messages.pot"
DANISH = ROOT / "translations" / "da" / "LC_MESSAGES" / "messages.po"
ENGLISH = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PYBABEL = Path(sys.executable).with_name("pybabel")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def read_catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def msgids(catalogue) -> set:
    return {message.id for message in catalogue if message.id}


def placeholders(*texts: str) -> set[str]:
    return {found for text in texts for found in PLACEHOLDER.findall(text)}


def as_tuple(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def danish_for(msgid: str) -> str:
    message = read_catalogue(DANISH, "da").get(msgid)
    assert message is not None and message.string, f"no Danish text for {msgid!r}"
    return message.string


# --- (a) the Danish catalogue is complete -------------------------------------------------


def test_every_template_message_has_a_danish_translation_with_the_same_placeholders():
    template = read_catalogue(POT)
    danish = read_catalogue(DANISH, "da")
    assert danish.plural_forms == "nplurals=2; plural=(n != 1);"
    problems = []
    for entry in template:
        if not entry.id:
            continue
        message = danish.get(entry.id)
        if message is None:
            problems.append(f"missing: {entry.id!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {entry.id!r}")
        strings = as_tuple(message.string)
        expected_forms = danish.num_plurals if entry.pluralizable else 1
        if len(strings) != expected_forms or not all(s and s.strip() for s in strings):
            problems.append(f"empty: {entry.id!r}")
            continue
        wanted = placeholders(*as_tuple(entry.id))
        for text in strings:
            if placeholders(text) != wanted:
                problems.append(f"placeholders differ: {entry.id!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_danish_catalogue_has_nothing_beyond_the_template():
    assert msgids(read_catalogue(DANISH, "da")) == msgids(read_catalogue(POT))


def test_english_catalogue_is_valid_and_falls_back_to_the_msgids():
    english = read_catalogue(ENGLISH, "en")
    assert str(english.locale) == "en"
    assert english.plural_forms == "nplurals=2; plural=(n != 1);"
    assert english.charset.lower() == "utf-8"
    assert msgids(english) == msgids(read_catalogue(POT))
    translated = [m.id for m in english if m.id and any(as_tuple(m.string))]
    assert not translated, f"English should fall back to the msgid: {translated}"


# --- (b) the template is up to date with the source --------------------------------------


def makefile_extract_command(output: Path) -> list[str]:
    """The `pybabel extract` line of the Makefile's extract-messages target, writing to output."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = lines.index("extract-messages: $(VENV)/.installed-run")
    line = next(text for text in lines[start + 1 :] if "pybabel extract" in text)
    command = shlex.split(line.strip().replace("$(BIN)/pybabel", str(PYBABEL)))
    position = command.index("-o")
    assert command[position + 1] == "translations/messages.pot"
    command[position + 1] = str(output)
    return command


def test_message_template_is_up_to_date_with_the_source(tmp_path):
    """The same extraction as `make extract-messages`; run that when this fails."""
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        makefile_extract_command(fresh), cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    in_source = msgids(read_catalogue(fresh))
    committed = msgids(read_catalogue(POT))
    new = sorted(map(str, in_source - committed))
    gone = sorted(map(str, committed - in_source))
    assert not new and not gone, (
        "translations/messages.pot is out of date: run `make extract-messages` and translate "
        f"the new entries in translations/da.\nnew: {new}\ngone: {gone}"
    )


TEMPLATE_LITERAL = re.compile(r"""\b_\(\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*[,)]""")


def test_no_template_folder_escapes_extraction():
    """pybabel skips folders starting with '_' or '.' unless told otherwise (templates/_macros)."""
    committed = msgids(read_catalogue(POT))
    missing = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for match in TEMPLATE_LITERAL.finditer(template.read_text(encoding="utf-8")):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            if text not in committed:
                missing.append(f"{template.relative_to(ROOT)}: {text!r}")
    assert not missing, "\n".join(missing)


# --- (c) the app speaks Danish by default and English on request -------------------------


def test_login_page_is_danish_by_default_and_english_after_choosing_english(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="da"' in page
    assert danish_for("Log in to Tidlig") in page
    assert "Log in to Tidlig" not in page

    response = client.submit("/language", {"locale": "en", "next": "/login"}, page="/login")
    assert response.status_code == 302

    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Log in to Tidlig" in page
    assert danish_for("Log in to Tidlig") not in page


# --- (d) WTForms' own messages are Danish too --------------------------------------------

REQUIRED = "This field is required."


def test_wtforms_required_message_is_danish_on_the_login_form(client):
    response = client.submit("/login", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert REQUIRED not in page
    assert danish_for(REQUIRED) in page


def test_wtforms_required_message_is_english_after_choosing_english(client):
    client.submit("/language", {"locale": "en", "next": "/login"}, page="/login")
    page = client.submit("/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert REQUIRED in page


@pytest.mark.parametrize(
    ("singular", "plural", "n"),
    [
        (
            "Field cannot be longer than %(max)d character.",
            "Field cannot be longer than %(max)d characters.",
            254,
        ),
    ],
)
def test_wtforms_plural_messages_are_danish(app, singular, plural, n):
    from app.core.forms import CatalogueTranslations

    danish = read_catalogue(DANISH, "da").get(singular).string
    with app.test_request_context("/login"):
        text = CatalogueTranslations().ngettext(singular, plural, n)
    assert text == danish[1]


def test_every_form_uses_the_catalogue_for_wtforms_messages():
    """A form that skips the shared base would show WTForms' messages in English."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm

    import app as package
    from app.core.forms import Form

    for module in pkgutil.walk_packages(package.__path__, "app."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("app.")]
    assert ours, "no forms found"
    stray = [f"{c.__module__}.{c.__qualname__}" for c in ours if not issubclass(c, Form)]
    assert not stray, f"derive these from app.core.forms.Form: {stray}"
