import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from chainatlas.registry.uscc import ALPHABET, foreign_key, is_valid_uscc, make_uscc, valid_uscc_expr

body = st.tuples(st.text("0123456789", min_size=8, max_size=8), st.text(ALPHABET, min_size=9, max_size=9)).map("".join)


def test_published_example_is_valid_and_a_changed_check_character_is_not() -> None:
    assert is_valid_uscc("91110108551385082Q")
    assert not is_valid_uscc("91110108551385082A")
    assert not is_valid_uscc("9111010855138508")


@given(body)
def test_make_uscc_agrees_with_python_stdnum(b: str) -> None:
    code = make_uscc(b)
    assert stdnum_uscc.is_valid(code)


@settings(max_examples=50)
@given(st.lists(st.one_of(body.map(make_uscc), st.text(ALPHABET + "IOZSV", min_size=0, max_size=20)), max_size=40))
def test_vectorised_check_equals_single_check(codes: list[str]) -> None:
    got = pl.DataFrame({"c": codes}, schema={"c": pl.String}).select(valid_uscc_expr("c"))["c"].to_list()
    assert got == [is_valid_uscc(c) for c in codes]


def test_foreign_key_is_stable_and_country_specific() -> None:
    assert foreign_key("de", "Muster GmbH") == foreign_key("DE", " Muster GmbH ")
    assert foreign_key("DE", "Muster GmbH") != foreign_key("AT", "Muster GmbH")
