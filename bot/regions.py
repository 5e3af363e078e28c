"""Where a founder's company is: Korean provinces and their cities and counties, so a rule the
documents state by province ("비수도권", "충북 도내", "강원을 제외한 비수도권") can be judged for
any place a founder names ("춘천에 있는 회사", "본사가 세종", "서울 강서구 회사").

A data table, written by hand from the list of Korea's 17 provinces and metropolitan cities
and their 시/군 (and Seoul's and a few other cities' 구 that name only one place). Names shared
by two places (고성 in 강원 and 경남, 강서구 in 서울 and 부산, 중구, 동구, …) are left out:
the founder's own province word decides those ("서울 강서구").
"""

from __future__ import annotations

import re

# province -> the places in it (the province's own short name first)
_PLACES: dict[str, tuple[str, ...]] = {province: tuple(places.split()) for province, places in {
    "서울": ("서울 강남 강동 강북 관악 광진 구로 금천 노원 도봉 동대문 동작 "
           "마포 서대문 서초 성동 성북 송파 양천 영등포 용산 은평 종로 중랑 "
           "성수동 여의도 가산동 홍대"),
    "경기": ("경기 수원 성남 판교 분당 고양 일산 용인 부천 안산 안양 남양주 "
           "화성 동탄 평택 의정부 시흥 파주 김포 광명 군포 하남 오산 이천 "
           "안성 의왕 양주 포천 여주 동두천 과천 구리 연천 가평 양평"),
    "인천": "인천 송도 부평 계양 미추홀 옹진 영종도",
    "강원": ("강원 춘천 원주 강릉 동해 태백 속초 삼척 홍천 횡성 영월 평창 정선 "
           "철원 화천 양구 인제 양양"),
    "충북": ("충북 청주 충주 제천 보은 옥천 영동 증평 진천 괴산 음성 단양 오창 "
           "오송"),
    "충남": ("충남 천안 공주 보령 아산 서산 논산 계룡 당진 금산 부여 서천 청양 "
           "홍성 예산 태안"),
    "대전": "대전 유성 대덕",
    "세종": "세종",
    "전북": ("전북 전주 군산 익산 정읍 남원 김제 완주 진안 무주 임실 순창 고창 "
           "부안 새만금"),
    "전남": ("전남 목포 여수 순천 나주 광양 담양 곡성 구례 고흥 보성 화순 장흥 "
           "강진 해남 영암 무안 함평 장성 완도 진도 신안"),
    "광주": "광주",
    "경북": ("경북 포항 경주 김천 안동 구미 영주 영천 상주 문경 경산 의성 청송 "
           "영양 영덕 청도 성주 칠곡 예천 봉화 울진 울릉"),
    "대구": "대구 달서 달성 군위",
    "경남": ("경남 창원 진주 통영 사천 김해 밀양 거제 양산 의령 함안 창녕 남해 "
           "하동 산청 함양 거창 합천"),
    "부산": "부산 해운대 사하 기장 동래 금정 연제 사상",
    "울산": "울산 울주",
    "제주": "제주 서귀포",
}.items()}
# the provinces' full names, and the older ones still in use
_FULL = {"서울특별시": "서울", "경기도": "경기", "인천광역시": "인천", "강원도": "강원",
         "강원특별자치도": "강원", "충청북도": "충북", "충청남도": "충남", "대전광역시": "대전",
         "세종특별자치시": "세종", "전라북도": "전북", "전북특별자치도": "전북", "전라남도": "전남",
         "광주광역시": "광주", "경상북도": "경북", "대구광역시": "대구", "경상남도": "경남",
         "부산광역시": "부산", "울산광역시": "울산", "제주특별자치도": "제주", "제주도": "제주"}

# English names of places inside a province, in Korean ("Osong" -> 오송); _ENGLISH maps them
# to their province
_ENGLISH_CITIES = {"gangnam": "강남", "pangyo": "판교", "suwon": "수원", "seongnam": "성남",
                   "songdo": "송도", "chuncheon": "춘천", "wonju": "원주", "gangneung": "강릉",
                   "cheongju": "청주", "chungju": "충주", "jecheon": "제천", "ochang": "오창",
                   "osong": "오송", "jincheon": "진천", "eumseong": "음성", "okcheon": "옥천",
                   "boeun": "보은", "yeongdong": "영동", "jeungpyeong": "증평", "goesan": "괴산",
                   "danyang": "단양", "cheonan": "천안", "asan": "아산", "jeonju": "전주",
                   "pohang": "포항", "gumi": "구미", "changwon": "창원", "gimhae": "김해"}
_ENGLISH = {"seoul": "서울", "gyeonggi": "경기", "incheon": "인천", "gangwon": "강원",
            "chungbuk": "충북", "north chungcheong": "충북", "chungnam": "충남",
            "south chungcheong": "충남", "daejeon": "대전", "sejong": "세종", "jeonbuk": "전북",
            "north jeolla": "전북", "jeonnam": "전남", "south jeolla": "전남", "gwangju": "광주",
            "gyeongbuk": "경북", "north gyeongsang": "경북", "daegu": "대구", "gyeongnam": "경남",
            "south gyeongsang": "경남", "busan": "부산", "ulsan": "울산", "jeju": "제주"}
_ENGLISH.update({english: province for english, place in _ENGLISH_CITIES.items()
                 for province, places in _PLACES.items() if place in places})

PROVINCE_OF: dict[str, str] = {
    **{place: province for province, places in _PLACES.items() for place in places},
    **_FULL,
}
CAPITAL_AREA = frozenset({"서울", "경기", "인천"})
# Chungbuk's own places, and its full name ("충북 도내에서", "청주", "오송")
CHUNGBUK_PLACES = (*_PLACES["충북"], "충청북도")

# longest first, so "충청북도" wins over "충북" and "동대문" over "동"
_NAMES = sorted(PROVINCE_OF, key=len, reverse=True)
# A place the founder's company is in: "춘천에 있는 회사", "세종 소재 법인", "원주 회사인데",
# "본사가 세종인데", "서울 강서구 회사", "청주시에서 창업했고", "청주에 사업장 있는".
_SUFFIX = r"(?:특별자치시|특별자치도|특별시|광역시|시|군|구|도|동|읍|면)?"
_AFTER = (r"(?:\s*(?P<district>[가-힣]{1,4}(?:구|동|읍|면)))?\s*(?:"
          r"에\s*(?:사업장|본사|공장|사무실|회사|법인)(?:이|가|을|를)?\s*(?:있|둔|두고)|"
          r"에서\s*(?:창업(?:했|한|하고|해서|\s*\d)|사업(?:하고|하는|을\s*하|\s*중)|개업(?:했|한)|회사를)|(?:에\s*)?(?:사는|살고|살아|삽니다|살며|거주|있는|있어|있고|"
          r"있습니다|있어요|있음|소재|(?:회사|사람|기업|법인|업체|사무실|공장|본사)"
          r"(?=$|[\s?.!,~]|[이인은는을를에으의도고라예야]))"
          r"|(?:로|으로)\s*(?:이전|옮))")
_PLACE_AFTER = re.compile(r"(?<![가-힣])(" + "|".join(_NAMES) + r")" + _SUFFIX + _AFTER)
_PLACE_BEFORE = re.compile(r"(?:본사|회사|사업장|주소|소재지|사무실|공장|법인)"
                           r"(?:가|는|은|이|도)?\s*(" + "|".join(_NAMES) + r")" + _SUFFIX
                           # "공장 오창 말고 또 있어?": a place set aside, not the founder's
                           + r"(?!\s*(?:말고|빼고|외에|이외|말곤))")
# the founder's own place in English: "we're based in Cheongju", "my company is in Okcheon",
# not "companies based in Jeolla" (what the question asks about)
_EN_PLACE = re.compile(r"\b(?:we|we're|we are|i|i'm|i am|my|our)\b[^.?!]{0,40}?\b(?:in|at)\s+(" +
                       "|".join(sorted(_ENGLISH, key=len, reverse=True)) + r")\b", re.I)


def _place(question: str) -> re.Match[str] | None:
    """The phrase telling where the founder is ("본사가 세종", "서울 강서구 회사")."""
    return _PLACE_BEFORE.search(question) or _PLACE_AFTER.search(question)


def founder_place(question: str) -> str | None:
    """The place where the founder says their company (or they) are, as written ("춘천",
    "강원도"; an English name in Korean), or None. A place inside a programme's name
    ("충북청년창업사관학교") is not the founder's."""
    found = _place(question)
    if found:
        return found.group(1)
    english = _EN_PLACE.search(question)
    if english:
        return _ENGLISH[english.group(1).lower()]
    return None


def place_words(question: str) -> set[str]:
    """The words naming the founder's place ("서울", "강서구"; a district without its 구 too),
    which are the founder's circumstance, not what the question is about."""
    found = _place(question)
    if not found:
        return set()
    words = {found.group(1)}
    # the founder's own company, as in "원주 회사인데" / "본사가 세종"
    words |= set(re.findall(r"회사|본사|법인|업체|기업|사무실|공장|사업장", found.group(0)))
    district = found.groupdict().get("district")
    if district:
        words |= {district, district[:-1]}
    return words


def province(place: str | None) -> str | None:
    """The province a place name belongs to ("춘천" -> "강원"), itself for a province."""
    if place is None:
        return None
    return PROVINCE_OF.get(place, place)


def in_capital_area(place: str | None) -> bool:
    return province(place) in CAPITAL_AREA


def in_chungbuk(place: str | None) -> bool:
    return province(place) == "충북"


def provinces_named(text: str) -> set[str]:
    """Every province a text names by a place in it ("강원을 제외한" -> {"강원"})."""
    return {PROVINCE_OF[m.group(0)] for m in re.finditer("|".join(_NAMES), text)}


def places_said(text: str) -> set[str]:
    """Every place a text names, as the documents would write it: Korean names as written
    ("창원", "경남") and English ones in Korean ("Busan" -> 부산, "Osong" -> 오송)."""
    found = {m.group(0) for m in re.finditer("|".join(_NAMES), text)}
    for word in re.findall(r"[A-Za-z]+", text):
        korean = _ENGLISH.get(word.lower())
        if korean is not None:
            found.add(_ENGLISH_CITIES.get(word.lower(), korean))
    return found

