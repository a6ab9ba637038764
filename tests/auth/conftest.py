"""These tests read the app's English messages; the language itself is tested in
tests/test_translations.py and the browser journey, so here the default is English."""

import pytest


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}
