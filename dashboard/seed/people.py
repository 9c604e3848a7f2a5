"""Synthetic people: names, national ID numbers, phone numbers, addresses. Never real ones.

ID numbers follow GB 11643-1999: 6-digit area code, 8-digit birth date, 3-digit sequence (odd for men, even for
women) and a check character by ISO 7064 MOD 11-2. Phone numbers start with 10, a prefix China assigns to no mobile
line, so a synthetic number can never ring a real person. Names are drawn from common surnames (weighted towards
Taizhou's) and given-name characters; any coincidence with a real person is chance, not data.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum modulo 11
EPOCH = date(1970, 1, 1)

# Taizhou's own area codes for local people, and a few home regions of migrant workers (Anhui, Jiangxi, Guizhou,
# Sichuan, Henan, Hunan, Yunnan) for the others.
LOCAL_AREAS = ("331002", "331003", "331004", "331022", "331023", "331024", "331081", "331082", "331083")
MIGRANT_AREAS = (
    "340102",
    "341221",
    "360102",
    "362421",
    "520102",
    "522101",
    "510104",
    "511321",
    "410102",
    "411521",
    "430102",
    "431121",
    "530102",
)

SURNAMES = "陈王林李金郑黄张周徐蒋叶杨许潘卢朱应吴任何梁罗项胡郭赵孙马高谢邵章施洪葛颜丁蔡毛彭方戴夏钱"
SURNAME_WEIGHTS = 1.0 / (np.arange(len(SURNAMES)) + 3.0)  # Zipf-like: 陈 commonest, as in Taizhou
GIVEN_MALE = "伟强军杰斌勇涛磊超明华建国志平海波辉鹏飞宇浩俊峰刚林文晨阳东亮兴鑫"
GIVEN_FEMALE = "芳娟敏静丽燕霞玲婷慧洁颖琳萍红梅英娜雪倩露佳怡欣悦蓉莉丹萱"
PHONE_PREFIX = "10"  # not a mobile prefix in China: these numbers reach no one

COMMUNITIES = (
    "东方",
    "新华",
    "前进",
    "民主",
    "幸福",
    "和平",
    "光明",
    "永安",
    "长春",
    "丰收",
    "红旗",
    "建设",
    "平安",
    "向阳",
    "兴隆",
    "振兴",
    "新民",
    "联合",
    "团结",
    "胜利",
    "东山",
    "西湖",
    "南岙",
    "北洋",
)
ROADS = (
    "人民路",
    "解放路",
    "中山路",
    "文化路",
    "东海大道",
    "青年路",
    "商城路",
    "工人路",
    "环城路",
    "府前街",
    "新建路",
    "振兴路",
    "学院路",
    "市府大道",
    "广场路",
    "银座街",
    "腾达路",
    "开发大道",
    "工业路",
    "南官大道",
)

StrArray = npt.NDArray[np.object_]


def check_character(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * int(weight) for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def is_valid_id_number(number: str) -> bool:
    """True for an 18-character ID number with a real birth date and a correct check character."""
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return number[17] == check_character(number[:17])


def birth_date_of(number: str) -> date:
    """The birth date written in an ID number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def birth_dates(rng: np.random.Generator, n: int, *, today: date, ages: tuple[int, int]) -> npt.NDArray[np.int64]:
    """Birth dates as days since 1970-01-01, for people aged `ages[0]` to `ages[1]` on `today`."""
    latest = (today - EPOCH).days - ages[0] * 366
    earliest = (today - EPOCH).days - (ages[1] + 1) * 365
    return rng.integers(earliest, latest, n).astype(np.int64)


def id_numbers(
    rng: np.random.Generator,
    births: npt.NDArray[np.int64],
    male: npt.NDArray[np.bool_],
    *,
    migrant: npt.NDArray[np.bool_] | None = None,
) -> list[str]:
    """Distinct valid ID numbers for people born on `births` (days since 1970-01-01) of the given sex."""
    n = len(births)
    migrant = np.zeros(n, bool) if migrant is None else migrant
    local = np.array(LOCAL_AREAS, dtype=object)[rng.integers(0, len(LOCAL_AREAS), n)]
    away = np.array(MIGRANT_AREAS, dtype=object)[rng.integers(0, len(MIGRANT_AREAS), n)]
    areas = np.where(migrant, away, local)
    sequence = rng.integers(0, 500, n) * 2 + male.astype(np.int64)  # odd: men, even: women
    numbers: list[str] = []
    taken: set[str] = set()
    for area, day, seq in zip(areas.tolist(), births.tolist(), sequence.tolist(), strict=True):
        born = EPOCH + timedelta(days=day)
        while True:
            first17 = f"{area}{born:%Y%m%d}{seq:03d}"
            number = first17 + check_character(first17)
            if number not in taken:
                break
            seq = (seq + 2) % 1000  # same sex, next sequence number
        taken.add(number)
        numbers.append(number)
    return numbers


def names(rng: np.random.Generator, male: npt.NDArray[np.bool_]) -> list[str]:
    """A surname and one or two given-name characters, by sex."""
    n = len(male)
    weights = SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum()
    surnames = np.array(list(SURNAMES), dtype=object)[rng.choice(len(SURNAMES), n, p=weights)]
    male_chars, female_chars = np.array(list(GIVEN_MALE), dtype=object), np.array(list(GIVEN_FEMALE), dtype=object)
    first = np.where(
        male, male_chars[rng.integers(0, len(male_chars), n)], female_chars[rng.integers(0, len(female_chars), n)]
    )
    second = np.where(
        male, male_chars[rng.integers(0, len(male_chars), n)], female_chars[rng.integers(0, len(female_chars), n)]
    )
    two_characters = rng.random(n) < 0.7
    given = np.where(two_characters, first + second, first)
    return (surnames + given).tolist()  # type: ignore[no-any-return]


def phones(rng: np.random.Generator, n: int) -> list[str]:
    """Distinct 11-digit numbers with the unassigned prefix 10."""
    numbers = rng.choice(10**9, size=n, replace=False) if n <= 10**6 else rng.integers(0, 10**9, n)
    return [f"{PHONE_PREFIX}{number:09d}" for number in numbers.tolist()]


def addresses(rng: np.random.Generator, township_names: list[str]) -> list[str]:
    """A house address in each given township: community, road, number, sometimes a room."""
    n = len(township_names)
    community = np.array(COMMUNITIES, dtype=object)[rng.integers(0, len(COMMUNITIES), n)]
    suffix = np.where(rng.random(n) < 0.5, "村", "社区")
    road = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), n)]
    number = rng.integers(1, 400, n)
    room = rng.integers(101, 1203, n)
    has_room = rng.random(n) < 0.45
    return [
        f"{town}{comm}{suf}{rd}{num}号" + (f"{rm}室" if with_room else "")
        for town, comm, suf, rd, num, rm, with_room in zip(
            township_names,
            community.tolist(),
            suffix.tolist(),
            road.tolist(),
            number.tolist(),
            room.tolist(),
            has_room.tolist(),
            strict=True,
        )
    ]
