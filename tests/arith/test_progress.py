"""exactloss.arith.progress: the counts long loops report, as a listener sees them (issue 13, item 5)."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

import exactloss as xl
from exactloss.arith import progress
from exactloss.floatpath.certificates import residual_bounds
from exactloss.floatpath.fastpath import progress_bar
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.sweep import log_grid, sweep


class Recorder:
    """A listener keeping every event, and the tasks finished."""

    def __init__(self):
        self.events = []
        self.finished = []

    def __call__(self, task, done, total):
        self.events.append((task, done, total))

    def finish(self, task):
        self.finished.append(task)

    def counts(self, task):
        return [d for t, d, _ in self.events if t == task]

    def totals(self, task):
        return {n for t, _, n in self.events if t == task}


def monotone(xs):
    return all(a <= b for a, b in zip(xs, xs[1:]))


def test_public_hook_is_exported():
    assert xl.progress is progress.progress
    assert xl.set_progress_callback is progress.set_callback
    assert "progress" in xl.__all__ and "set_progress_callback" in xl.__all__


def test_iterate_reports_every_count_without_throttle():
    rec = Recorder()
    with xl.progress(rec, interval=0):
        assert list(progress.iterate(range(4), "t")) == [0, 1, 2, 3]
    assert rec.events == [("t", i, 4) for i in range(5)]
    assert rec.finished == ["t"]


def test_throttle_keeps_first_and_last_and_is_monotone():
    rec = Recorder()
    with xl.progress(rec, interval=3600):
        with progress.task("many", 10_000) as t:
            for _ in range(10_000):
                t.advance()
    assert rec.events == [("many", 0, 10_000), ("many", 10_000, 10_000)]


def test_unknown_total_and_early_stop():
    rec = Recorder()
    with xl.progress(rec, interval=0):
        for i in progress.iterate(iter(range(100)), "search"):
            if i == 2:
                break
    assert rec.totals("search") == {None}
    assert monotone(rec.counts("search")) and rec.finished == ["search"]


def test_counts_never_decrease():
    rec = Recorder()
    with xl.progress(rec, interval=0):
        with progress.task("u", 10) as t:
            t.update(5)
            t.update(3)
            t.advance(0)
            t.update(7)
    assert rec.counts("u") == [0, 5, 7]


def test_nested_blocks_and_session_callback():
    outer, inner, session = Recorder(), Recorder(), Recorder()
    prev = xl.set_progress_callback(session, interval=0)
    try:
        with xl.progress(outer, interval=0):
            with xl.progress(inner, interval=0):
                list(progress.iterate(range(2), "a"))
            list(progress.iterate(range(2), "b"))
    finally:
        assert xl.set_progress_callback(prev) is session
    assert {t for t, _, _ in inner.events} == {"a"}
    assert {t for t, _, _ in outer.events} == {"a", "b"}
    assert {t for t, _, _ in session.events} == {"a", "b"}
    assert not progress.active() or prev is not None


def test_no_listener_costs_nothing_and_reports_nothing():
    assert not progress.active()
    t = progress.task("x", 3)
    t.advance()
    t.close()
    assert t.done == 0  # nothing is counted when nobody listens


def test_a_failing_listener_warns_once_and_changes_nothing():
    def bad(task, done, total):
        raise ValueError("boom")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with xl.progress(bad, interval=0):
            assert sum(progress.iterate(range(5), "t")) == 10
    assert len(caught) == 1 and "boom" in str(caught[0].message)


def test_not_callable_is_refused():
    with pytest.raises(TypeError):
        with xl.progress(42):
            pass
    with pytest.raises(TypeError):
        xl.set_progress_callback("no")


def test_small_sweep_reports_monotone_counts_and_the_same_points():
    c = build(np.array([[Fraction(i)] for i in range(4)], dtype=object), activation="sigmoid")
    grid = log_grid(Fraction(1, 2), Fraction(8), 5)
    plain = sweep(c, grid)
    rec = Recorder()
    with xl.progress(rec, interval=0):
        watched = sweep(c, grid)
    task = "det E(alpha) sweep, N = 4"
    assert rec.counts(task) == list(range(len(grid) + 1)) and rec.totals(task) == {len(grid)}
    assert [p.to_json() for p in watched] == [p.to_json() for p in plain]


def test_alpha0_search_reports_trials():
    rec = Recorder()
    with xl.progress(rec, interval=0):
        r = xl.check("lemma-4.3", samples=6, activation="softplus")
    trials = rec.counts("certified alpha_0 search (trial alphas)")
    assert trials and trials[0] == 0
    runs = [[]]  # softplus: one search per scaling theta, each counted from 0
    for d in trials:
        if d == 0 and runs[-1]:
            runs.append([])
        runs[-1].append(d)
    assert all(monotone(run) for run in runs)
    assert rec.finished.count("certified alpha_0 search (trial alphas)") == len(runs)
    assert r.holds is xl.check("lemma-4.3", samples=6, activation="softplus").holds


def test_residual_blocks_report_and_bounds_unchanged():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((40, 40))
    R = np.linalg.inv(A)
    rec = Recorder()
    with xl.progress(rec, interval=0):
        watched = residual_bounds(A, R, block=16)
    assert watched == residual_bounds(A, R, block=16)
    assert rec.counts("residual bounds of R A, n = 40") == [0, 1, 2, 3]


def test_progress_bar_of_fastpath_reports_only_when_listened():
    assert type(progress_bar(3, "x")).__name__ == "_NoBar"
    rec = Recorder()
    with xl.progress(rec, interval=0):
        bar = progress_bar(3, "draws")
        bar.update(2)
        bar.set_postfix_str("y")
        bar.close()
    assert rec.counts("draws") == [0, 2] and rec.finished == ["draws"]
