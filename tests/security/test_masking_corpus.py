"""Phone and ID numbers in report text are masked in the forms people write them, as a record table hands
the text to a browser. The corpus: real-looking variants (synthetic numbers) of how grid workers type them."""

from __future__ import annotations

import json
import re
from datetime import datetime

from dashboard.access.masking import mask_text
from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.security.test_callback_bounds import query, rows_request
from tests.support.accounts import signed_in_client
from tests.support.factories import incident

PHONE, ID_18, ID_15 = "13812345678", "33100419850612301X", "331004850612301"
CORPUS = [
    "电话13812345678",
    "电话：+8613812345678",
    "手机 +86 138 1234 5678",
    "联系 +86-138-1234-5678",
    "0086 13812345678",
    "(86)13812345678",
    "（+86）138 1234 5678",
    "138-1234-5678",
    "138 1234 5678",
    "１３８１２３４５６７８",
    "tel13812345678转分机",
    "微信号wx13812345678abc",
    "身份证33100419850612301X",
    "身份证号33100419850612301x",
    "证件：331004 19850612 301X",
    "证件：331004-1985-0612-301X",
    "证件：3310 0419 8506 1230 1X",
    "３３１００４１９８５０６１２３０１Ｘ",
    "ID33100419850612301Xabc",
    "老身份证331004850612301号",
    "老证331004 850612 301",
]
SEPARATORS = re.compile(r"[\s\-()（）+＋]")


def digits_seen(text: str) -> str:
    """The text with separators gone and full-width characters made ASCII: a number shows whole here if anywhere."""
    return SEPARATORS.sub("", text).translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}).upper()


def leaks(text: str) -> list[str]:
    seen = digits_seen(text)
    return [number for number in (PHONE, ID_18, ID_15, "19850612", "850612") if number in seen]


def test_every_form_in_the_corpus_is_masked_by_the_masking_function():
    assert {text: leaks(mask_text(text)) for text in CORPUS} == {text: [] for text in CORPUS}
    assert (
        mask_text("手机 +86 138 1234 5678，身份证331004 19850612 301X")
        == "手机 +86 138****5678，身份证331***********301X"
    )


def test_ordinary_numbers_stay_as_they_are():
    text = "网格331004-001-0001，2026-01-05 12:30，条目1796542276243-41，门牌12号，金额13800元"
    assert mask_text(text) == text


def test_report_text_reaches_a_browser_with_every_number_masked(dash_app, city):
    with session_scope() as session:
        session.add_all(incident(datetime(2025, 3, 2), summary=text) for text in CORPUS)
    analyst = signed_in_client(dash_app, "analyst", Role.ANALYST)
    response = analyst.post("/_dash-update-component", json=rows_request(query("2025-03-01", "2025-04-01")))
    body = json.dumps(response.json, ensure_ascii=False)
    assert response.status_code == 200 and body.count("****") >= 12
    assert leaks(body) == []
