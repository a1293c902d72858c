"""CORDON_COUNTRY: the administration's country, checked when the app is created."""

import pytest

from app import create_app
from config import TestConfig


def test_an_unknown_country_code_stops_the_app_at_start():
    with pytest.raises(ValueError, match="CORDON_COUNTRY"):
        create_app(TestConfig, {"CORDON_COUNTRY": "QQ"})
