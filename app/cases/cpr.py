"""Valid-format CPR numbers (DDMMYY-SSSS) that agree with a given birth date and gender.

The century is carried by the first serial digit (CPR-kontoret's rule); no modulus-11 check,
which Denmark dropped in 2007.
"""

from __future__ import annotations

import datetime as dt
import random


def century_digits(year: int) -> list[int]:
    if 2000 <= year <= 2036:
        return [4, 9] + [5, 6, 7, 8]
    if 2037 <= year <= 2057:
        return [5, 6, 7, 8]
    if 1937 <= year <= 1999:
        return [0, 1, 2, 3, 4, 9]
    if 1900 <= year <= 1936:
        return [0, 1, 2, 3]
    raise ValueError(f"no CPR century rule for {year}")


def birth_date_from_cpr(cpr: str) -> dt.date:
    digits = cpr.replace("-", "")
    day, month, yy, first = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if first in (0, 1, 2, 3):
        century = 1900
    elif first in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    return dt.date(century + yy, month, day)


def synthetic_cpr(rng: random.Random, birth_date: dt.date, gender: str) -> str:
    first = rng.choice(century_digits(birth_date.year))
    middle = rng.randrange(0, 100)
    last = rng.randrange(0, 10)
    # The last digit is odd for men and even for women.
    if (gender == "male") != (last % 2 == 1):
        last = (last + 1) % 10
    return f"{birth_date:%d%m%y}-{first}{middle:02d}{last}"
