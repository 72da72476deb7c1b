"""The code table (``chainatlas.vocabulary``) covers every code the product defines, in both languages."""

from __future__ import annotations

import re

from chainatlas import vocabulary
from chainatlas.exchange.spec import EVIDENCE
from chainatlas.governance.catalogue import DATASETS, LEVELS, PURPOSES
from chainatlas.governance.policy import POLICIES
from chainatlas.governance.principals import DEPARTMENTS, Role
from chainatlas.trade.alerts import STATUSES
from chainatlas.trade.vocabulary import WORDS
from chainatlas.web.i18n import code_label, code_labels, name_codes

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_cbv_business_step_and_disposition_has_a_name() -> None:
    assert set(WORDS["bizStep"]) <= set(vocabulary.BIZ_STEPS)
    assert set(WORDS["disposition"]) <= set(vocabulary.DISPOSITIONS)


def test_the_product_codes_are_all_named() -> None:
    assert set(Role) == set(vocabulary.ROLES) and set(DEPARTMENTS) == set(vocabulary.DEPARTMENTS)
    assert set(STATUSES) == set(vocabulary.ALERT_STATUSES) and set(LEVELS) == set(vocabulary.DATA_LEVELS)
    assert set(PURPOSES) == set(vocabulary.PURPOSES) and set(EVIDENCE) == set(vocabulary.EVIDENCE)
    assert {d.owner for d in DATASETS.values()} <= set(vocabulary.DEPARTMENTS)
    from chainatlas.products.catalogue import PRODUCTS

    touched = {d for a in POLICIES.values() if a.dataset  # what the audit log names
               for d in ([a.dataset_for({"product_id": p}) for p in PRODUCTS] if "{" in a.dataset else [a.dataset])}
    assert touched <= set(code_labels()["dataset"]), touched - set(code_labels()["dataset"])
    for kind, table in code_labels().items():
        for code, m in table.items():
            assert CJK.search(m.zh) and m.en.strip() and m.en != m.zh, (kind, code, m)


def test_labels_of_urns_lists_and_legs() -> None:
    assert code_label("biz_step", "https://ref.gs1.org/cbv/BizStep-inspecting") == "查验"
    assert code_label("chain", "nev,biomed") == "新能源汽车、生物医药"
    assert code_label("chain", "nev,biomed", "en").count(",") == 1
    assert code_label("biz_step", "departing→arriving") == "离港/发运→到达"
    assert code_label("segment", "nev.pack") != "nev.pack" and code_label("segment", "nope.nope") == "nope.nope"
    assert name_codes(">= 3", "zh") == ">= 3"  # nothing that is not a code is touched
