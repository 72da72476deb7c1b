from chainatlas.registry.codes import countries, industries, regions


def test_gbt4754_section_c_is_complete() -> None:
    c = [i for i in industries() if i.code.startswith("C")]
    levels = {lvl: sum(1 for i in c if i.level == lvl) for lvl in ("division", "group", "class")}
    # GB/T 4754-2017 section C: 31 divisions, 179 groups, 609 classes
    assert levels == {"division": 31, "group": 179, "class": 609}
    by = {i.code: i for i in industries()}
    assert by["C3841"].name_zh == "锂离子电池制造" and by["C3841"].parent_code == "C384"
    assert sum(1 for i in industries() if i.level == "section") == 20
    assert sum(1 for i in industries() if i.level == "division") == 97


def test_divisions_cover_the_country_with_zhengzhou_districts() -> None:
    rs = {r.code: r for r in regions()}
    assert sum(1 for r in rs.values() if r.level == "province") >= 31
    zz = sorted(c for c, r in rs.items() if r.parent_code == "410100")
    assert zz == ["410102", "410103", "410104", "410105", "410106", "410108", "410122", "410181", "410182",
                  "410183", "410184", "410185"]
    assert rs["410105"].name == "金水区"
    assert rs["110101"].parent_code == "110000"  # a municipality's district hangs under the province level


def test_countries_have_chinese_names() -> None:
    cs = {c.alpha2: c for c in countries()}
    assert cs["LU"].name_zh == "卢森堡" and cs["DE"].alpha3 == "DEU"
