"""A small chain, computed by hand (tests/analysis/test_atlas.py has the arithmetic).

Segments of the real `nev` template stand in for a toy chain: nev.lithium (ore, upstream), nev.auto_chip
(chip, upstream), nev.pack (part, midstream), nev.vehicle (car, downstream). Home area 4101.
"""

from __future__ import annotations

from pathlib import Path

from chainatlas.registry.uscc import foreign_key, make_uscc

L1 = make_uscc("91410105MA4TXY001")  # car maker, chain leader, local
L2 = make_uscc("91410122MA4TXY002")  # part maker, local, 规上, 专精特新
L3 = make_uscc("91410181MA4TXY003")  # part maker, local
N1 = make_uscc("91320505MA4TXY004")  # part maker, Suzhou, 小巨人
L4 = make_uscc("91410183MA4TXY005")  # ore, local
N2 = make_uscc("91410302MA4TXY006")  # ore, Luoyang (Henan, not Zhengzhou)
N3 = foreign_key("DE", "Chipwerk GmbH（示例）")  # chips, Germany
N4 = make_uscc("91440305MA4TXY008")  # chips, Shenzhen, 专精特新

ENTERPRISES = f"""uscc,name,region_code,industry_code,country_code,revenue_yuan,is_above_scale,is_srdi,is_little_giant,is_chain_leader,as_of
{L1},甲整车（示例）,410105,C3612,CN,1000,是,否,否,是,2025-12-31
{L2},乙电池包（示例）,410122,C3841,CN,200,是,是,否,否,2025-12-31
{L3},丙电池包（示例）,410181,C3841,CN,100,否,否,否,否,2025-12-31
{N1},丁电池包（示例）,320505,C3841,CN,500,是,否,是,否,2025-12-31
{L4},戊锂盐（示例）,410183,C2613,CN,50,否,否,否,否,2025-12-31
{N2},己锂盐（示例）,410302,C2613,CN,80,否,否,否,否,2025-12-31
{N3},Chipwerk GmbH（示例）,,C3973,DE,300,否,否,否,否,2025-12-31
{N4},庚芯片（示例）,440305,C3973,CN,900,是,是,否,否,2025-12-31
"""

PLACEMENTS = f"""uscc,segment_code
{L1},nev.vehicle
{L2},nev.pack
{L3},nev.pack
{N1},nev.pack
{L4},nev.lithium
{N2},nev.lithium
{N3},nev.auto_chip
{N4},nev.auto_chip
"""

LINKS = f"""supplier_uscc,buyer_uscc,period,value_yuan,segment_code
{L2},{L1},2025,300,nev.pack
{N1},{L1},2025,100,nev.pack
{L3},{L1},2025,100,nev.pack
{L4},{L2},2025,40,nev.lithium
{N2},{L2},2025,60,nev.lithium
{N2},{L3},2025,50,nev.lithium
{N3},{L2},2025,30,nev.auto_chip
{N4},{L3},2025,70,nev.auto_chip
{N4},{L2},2025,20,nev.auto_chip
{L4},{N1},2025,25,nev.lithium
{N2},{N1},2025,25,nev.lithium
{N4},{L3},2024,35,nev.auto_chip
{N3},{L2},2024,30,nev.auto_chip
"""


def write_files(folder: Path, scale_values: float = 1.0) -> list[Path]:
    """The fixture as exchange-format CSV files in ``folder``; ``scale_values`` multiplies every link's value (a
    second import that changes the figures)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = LINKS.splitlines()
    links = "\n".join([rows[0]] + [",".join([*r.split(",")[:3], f"{float(r.split(',')[3]) * scale_values:g}",
                                               r.split(",")[4]]) for r in rows[1:]]) + "\n"
    out = []
    for name, text in (("enterprises.csv", ENTERPRISES), ("placements.csv", PLACEMENTS), ("links.csv", links)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out
