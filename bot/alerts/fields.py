"""Support fields a founder can pick, and which of the sources' field names each one covers.

K-Startup (`supt_biz_clsfc`) and 기업마당 (`pldirSportRealmLclasCodeNm`) name fields differently;
a subscription stores the label here, and a programme belongs to a label when its field (or
category) holds one of the label's names.
"""

from __future__ import annotations

FIELDS: dict[str, tuple[str, ...]] = {
    "사업화": ("사업화", "창업"),
    "기술개발": ("기술개발", "r&d", "기술"),
    "판로·해외": ("판로", "해외", "수출", "내수", "마케팅"),
    "자금·융자": ("융자", "금융", "자금", "보증", "투자"),
    "멘토링·교육": ("멘토링", "컨설팅", "교육", "경영"),
    "공간·보육": ("시설", "공간", "보육"),
    "인력": ("인력",),
    "행사·네트워크": ("행사", "네트워크"),
}
FIELD_LABELS_EN: dict[str, str] = {
    "사업화": "Commercialisation", "기술개발": "R&D", "판로·해외": "Sales & export",
    "자금·융자": "Funding & loans", "멘토링·교육": "Mentoring & training",
    "공간·보육": "Space & incubation", "인력": "Hiring", "행사·네트워크": "Events & network",
}


def fields_of(text: str) -> set[str]:
    """The labels a programme's field/category text belongs to."""
    low = text.lower().replace("&amp;", "&")
    return {label for label, names in FIELDS.items() if any(n in low for n in names)}
