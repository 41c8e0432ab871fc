"""What `flywheel demo` and `flywheel run` print while a run goes, read from a real run's event log:
the steps' own messages, each step done with its time, gates counted, failures named."""

import dagster as dg

from pipelines.cli.follow import Progress


@dg.asset
def raw_rows(context: dg.AssetExecutionContext):
    context.log.info("Lead: read 12 rows in 1 REST pages")
    context.log.debug("a detail nobody needs on the terminal")
    return 1


@dg.asset_check(asset=raw_rows, blocking=True)
def rows_pass_gx_suite():
    return dg.AssetCheckResult(passed=True)


@dg.asset_check(asset=raw_rows)
def source_freshness():
    return dg.AssetCheckResult(passed=False, description="last synced 3 days ago", severity=dg.AssetCheckSeverity.WARN)


@dg.asset(deps=[raw_rows])
def marts():
    raise RuntimeError("Lead: HTTP 401 INVALID_SESSION_ID")


def lines_of(result, instance) -> list[str]:
    progress = Progress()
    said = [progress.line(r.event_log_entry) for r in instance.get_records_for_run(result.run_id).records]
    return "\n".join(line for line in said if line).splitlines()


def test_progress_lines_of_a_run_that_fails():
    with dg.instance_for_test() as instance:
        result = dg.materialize([raw_rows, marts, rows_pass_gx_suite, source_freshness], instance=instance,
                                raise_on_error=False)
        lines = lines_of(result, instance)
    print("\n".join(lines))
    assert lines[0] == "  Lead: read 12 rows in 1 REST pages"
    assert lines[1].startswith("  done raw_rows (") and lines[1].endswith(" s)")
    assert "  check source_freshness on raw_rows failed: last synced 3 days ago" in lines
    assert "  done 2 gates: 1 checks passed, 1 failed (above)" in lines
    assert lines[-1] == "  FAILED marts: RuntimeError: Lead: HTTP 401 INVALID_SESSION_ID"
    assert not any("detail nobody needs" in line or "STEP_START" in line for line in lines)
    assert len(lines) == 5
