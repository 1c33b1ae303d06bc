//! A definition for the tests of this module: the civil-affairs bureau's home elderly-care
//! registration, with one field of every type.

use serde_json::{Value, json};

pub(super) fn elderly_care() -> Value {
    json!({
        "target": "persons",
        "key": "elderly_care",
        "title_zh": "居家养老服务登记",
        "title_en": "Home elderly care",
        "department": "民政局",
        "fields": [
            {"key": "living", "label_zh": "居住状况", "label_en": "Living", "type": "choice",
                "options": ["独居", "空巢", "与子女同住", "其他"], "required": true},
            {"key": "monthly_income", "label_zh": "月收入", "label_en": "Monthly income",
                "type": "number", "min": 0, "max": 100000, "decimals": 2},
            {"key": "household_size", "label_zh": "同住人数", "type": "number", "min": 1,
                "max": 20},
            {"key": "last_visit", "label_zh": "最近走访", "label_en": "Last visit",
                "type": "date", "min": "2020-01-01", "max": "2030-12-31"},
            {"key": "needs", "label_zh": "服务需求", "label_en": "Needs",
                "type": "multi_choice", "options": ["助餐", "助浴", "助医", "助洁", "精神慰藉"],
                "min_picks": 1, "max_picks": 3, "help": "最多选三项"},
            {"key": "note", "label_zh": "备注", "label_en": "Note", "type": "text",
                "max_len": 10}
        ]
    })
}
