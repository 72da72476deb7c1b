import pytest

from chainatlas.chains.templates import Chain, load_chains, topological_order


def test_six_key_chains_ship() -> None:
    ids = [c.id for c in load_chains()]
    assert ids == sorted(["nev", "electronics", "equipment", "superhard", "biomed", "semiconductor"])


def test_every_chain_is_a_dag_with_all_three_stages() -> None:
    for c in load_chains():
        order = topological_order(c)
        pos = {code: i for i, code in enumerate(order)}
        for s in c.segments:
            for t in s.feeds_into:
                assert pos[s.code] < pos[t]
        assert {s.stage.value for s in c.segments} == {"upstream", "midstream", "downstream"}


def test_a_cycle_is_rejected() -> None:
    with pytest.raises(ValueError, match="cycle"):
        Chain.model_validate({"id": "x", "name_zh": "环", "name_en": "loop", "segments": [
            {"code": "a", "name_zh": "甲", "name_en": "a", "stage": "upstream", "feeds_into": ["b"]},
            {"code": "b", "name_zh": "乙", "name_en": "b", "stage": "downstream", "feeds_into": ["a"]}]})


def test_unknown_industry_hint_is_rejected() -> None:
    with pytest.raises(ValueError, match="industry"):
        Chain.model_validate({"id": "x", "name_zh": "甲", "name_en": "x", "segments": [
            {"code": "a", "name_zh": "甲", "name_en": "a", "stage": "upstream", "industry_codes": ["C9999"]}]})
