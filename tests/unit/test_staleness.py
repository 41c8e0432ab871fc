"""Stale data, decided as a pure function: announced once when no run has succeeded for the
threshold, once when a run succeeds again, and the state kept in the sensor's cursor."""

import datetime as dt

from pipelines.alerts.staleness import Watch, look

T0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.timezone.utc)
AFTER = dt.timedelta(hours=36)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


def test_stale_once_at_the_threshold_then_fresh_once_after_a_success():
    watch = Watch(watching_since=T0 - hours(100))
    change, watch = look(watch, T0, T0 + hours(35.9), AFTER)
    assert change is None and watch.stale_since is None
    change, watch = look(watch, T0, T0 + hours(36), AFTER)  # at the threshold: stale
    assert change == "stale" and watch.stale_since == T0
    change, watch = look(watch, T0, T0 + hours(80), AFTER)  # still stale: said once
    assert change is None and watch.stale_since == T0
    change, watch = look(watch, T0 + hours(81), T0 + hours(82), AFTER)  # a run succeeded
    assert change == "fresh" and watch.stale_since is None
    change, watch = look(watch, T0 + hours(81), T0 + hours(83), AFTER)
    assert change is None


def test_with_no_success_ever_the_clock_starts_when_watching_began():
    change, watch = look(Watch.from_cursor(None, T0), None, T0, AFTER)
    assert change is None and watch.watching_since == T0
    change, watch = look(watch, None, T0 + hours(36), AFTER)
    assert change == "stale" and watch.stale_since == T0


def test_the_watch_survives_the_cursor():
    watch = Watch(watching_since=T0, stale_since=T0 + hours(1))
    assert Watch.from_cursor(watch.to_cursor(), T0 + hours(99)) == watch
    assert Watch.from_cursor(Watch(T0).to_cursor(), T0 + hours(99)) == Watch(T0)
