"""Python values in ``Scenario.from_dict`` and ``replace`` (issue 9, item 7): numpy numbers are
numbers; a date, an object or a dict that contains itself is a ScenarioError naming the field,
never a bare TypeError or RecursionError."""

from __future__ import annotations

import datetime
import decimal

import dsg_forecast as dsg
import numpy as np
import pytest


def test_numpy_scalars_and_0d_arrays_are_numbers(small):
    a = small.replace(
        funding__hnb_growth=np.float64(0.04),
        meta__horizon=np.int64(5),
        funding__hnb=np.array(60e6),
    )
    b = small.replace(funding__hnb_growth=0.04, meta__horizon=5, funding__hnb=60e6)
    assert a == b
    d = small.to_dict()
    d["funding"]["hnb_growth"] = np.float32(0.5)
    d["meta"]["horizon"] = np.array(np.int32(4))
    s = dsg.Scenario.from_dict(d)
    assert len(s.years) == 4


def test_numpy_bool(small):
    d = small.to_dict()
    first = next(iter(d["demand"]["base_plans"]))
    d["demand"]["base_plans"][first] = np.float64(d["demand"]["base_plans"][first])
    assert dsg.Scenario.from_dict(d) == small
    # np.bool_ becomes a bool (and is then validated as one: not a number)
    with pytest.raises(dsg.ScenarioError) as e:
        small.replace(funding__hnb=np.bool_(True))
    assert "funding.hnb" in str(e.value)


def test_a_date_is_an_error_naming_the_field(small):
    with pytest.raises(dsg.ScenarioError) as e:
        small.replace(meta__base_year=datetime.date(2024, 4, 1))
    msg = str(e.value)
    assert "meta.base_year" in msg and "'2024-25'" in msg and "not a date" in msg
    assert e.value.issues[0]["path"] == "meta.base_year"
    with pytest.raises(dsg.ScenarioError, match="2023-24"):
        small.replace(meta__base_year=datetime.datetime(2024, 1, 15, 9, 30))


def test_unsupported_types_are_all_reported_by_field(small):
    with pytest.raises(dsg.ScenarioError) as e:
        small.replace(
            {"funding.hnb": object(), "funding.hnb_growth": {0.03}, "meta.name": b"bytes"}
        )
    paths = [i["path"] for i in e.value.issues]
    assert sorted(paths) == ["funding.hnb", "funding.hnb_growth", "meta.name"]
    assert "not a scenario value" in str(e.value)


def test_decimal_is_a_number(small):
    assert small.replace(funding__hnb_growth=decimal.Decimal("0.04")) == small.replace(
        funding__hnb_growth=0.04
    )


def test_a_dict_that_contains_itself_is_an_error_not_recursion(small):
    loop: dict = {}
    loop["again"] = loop
    with pytest.raises(dsg.ScenarioError) as e:
        small.replace(funding__other_income=loop)
    assert "contains itself" in str(e.value)
    d = small.to_dict()
    d["meta"]["self"] = d
    with pytest.raises(dsg.ScenarioError, match="meta.self"):
        dsg.Scenario.from_dict(d)
    deep: list = []
    node = deep
    for _ in range(5000):
        node.append([])
        node = node[0]
    with pytest.raises(dsg.ScenarioError, match="nested more than"):
        small.replace(funding__other_income=deep)


def test_non_text_keys_and_non_dicts(small):
    with pytest.raises(dsg.ScenarioError, match="keys are text"):
        small.replace(funding__other_income={2025: 1.0})
    with pytest.raises(dsg.ScenarioError):
        dsg.Scenario.from_dict([1, 2])
    with pytest.raises(dsg.ScenarioError, match="dotted field path"):
        small.replace({1: 2})
