"""Check-digit validators: a wrong digit must be caught, a right one accepted."""

import pytest

from nlp.rules import is_valid_container, is_valid_imo, iso6346_check_digit


@pytest.mark.parametrize("code", ["CSQU3054383", "MSCU1234566", "TGHU 876543-6", "HLXU2300190"])
def test_valid_containers(code):
    assert is_valid_container(code)


@pytest.mark.parametrize("code", ["CSQU3054384", "MSCU1234565", "MSCA1234566", "MSCU12345"])
def test_invalid_containers(code):
    assert not is_valid_container(code)


def test_iso6346_digit_known_example():
    assert iso6346_check_digit("CSQU305438") == 3


@pytest.mark.parametrize("imo", ["9703291", "IMO 9321483", "9074729"])
def test_valid_imo(imo):
    assert is_valid_imo(imo)


@pytest.mark.parametrize("imo", ["9703292", "970329", "1234568"])
def test_invalid_imo(imo):
    assert not is_valid_imo(imo)
