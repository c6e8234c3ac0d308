"""The evaluation metrics on hand-made cases, and floors on a LGL slice and the French Sahel set."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import shared_path

from loaders.evaluate import (
    MAX_ERROR_KM,
    acc_at,
    auc,
    error_summary,
    evaluate_corpus,
    haversine_km,
    main,
    match_spans,
    prf,
)

FRENCH = Path(__file__).parent / "data" / "fr_sahel.jsonl"


def test_haversine():
    assert haversine_km(0, 0, 0, 0) == 0
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.05)  # one degree on the equator
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371, rel=1e-6)
    # Ouagadougou - Niamey, about 410 km
    assert 400 < haversine_km(12.3714, -1.5197, 13.5137, 2.1098) < 420


def test_exact_and_overlap_matching():
    gold = [(0, 5), (10, 20), (30, 35)]
    pred = [(0, 5), (12, 20), (40, 45)]
    assert match_spans(pred, gold) == [(0, 0)]
    assert match_spans(pred, gold, overlap=True) == [(0, 0), (1, 1)]
    # one-to-one: two predictions inside one gold span match it once
    assert len(match_spans([(10, 14), (15, 20)], [(10, 20)], overlap=True)) == 1
    assert len(match_spans([(0, 5), (0, 5)], [(0, 5)])) == 1
    r = prf(3, 3, 1)
    assert (r["precision"], r["recall"]) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert prf(0, 3, 0)["f1"] == 0


def test_acc161_and_auc():
    assert acc_at([0, 100, 160.9, 161, 5000]) == 0.6
    assert auc([0, 0, 0]) == 0
    assert auc([MAX_ERROR_KM] * 4) == pytest.approx(1.0, abs=1e-4)
    # trapezoid over sorted log(1 + km), normalised by log(20039) and n - 1
    errs = [10.0, 0.0, 1000.0]
    ys = sorted(math.log1p(e) for e in errs)
    expected = ((ys[0] + ys[1]) / 2 + (ys[1] + ys[2]) / 2) / (math.log(MAX_ERROR_KM) * 2)
    assert auc(errs) == pytest.approx(expected)
    s = error_summary([1, 2, 3, 400])
    assert (s["median_km"], s["acc161"], s["within10"]) == (2.5, 0.75, 0.75)


def test_french_sahel_set():
    result = evaluate_corpus(FRENCH)
    assert result["docs"] >= 40
    assert result["gold_spans"]["within10"] >= 0.9
    assert result["end_to_end"]["within10"] >= 0.9  # of the recognised gold toponyms
    assert result["recognition"]["exact"]["precision"] >= 0.9


def test_lgl_slice_floors():
    # measured: gold spans Acc@161 0.89, median 28 km; end to end P 0.79 R 0.75, Acc@161 0.90
    result = evaluate_corpus(shared_path("eval", "lgl.jsonl"), limit=40)
    assert result["gold_spans"]["acc161"] >= 0.85
    assert result["recognition"]["exact"]["precision"] >= 0.75
    assert result["recognition"]["exact"]["recall"] >= 0.70
    assert result["end_to_end"]["acc161"] >= 0.85


def test_main_prints_a_table_and_json(capsys):
    assert main([str(FRENCH), "--limit", "5", "--mode", "gold"]) == 0
    assert "Acc@161km" in capsys.readouterr().out
    assert main([str(FRENCH), "--limit", "3", "--json"]) == 0
    assert '"gold_spans"' in capsys.readouterr().out
    assert main(["/nonexistent.jsonl"]) == 2
