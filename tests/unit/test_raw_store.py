"""The merge into raw tables, on a real DuckDB file."""

from datetime import datetime

import duckdb
import pyarrow as pa
import pytest

from pipelines.extract import raw_store
from pipelines.extract.columns import Column
from pipelines.salesforce.objects import ObjectSpec

SPEC = ObjectSpec("Lead", "00Q", "SystemModstamp", ("Id", "Status", "SystemModstamp", "IsDeleted"))
COLUMNS = [Column("Id", "id"), Column("Status", "picklist"), Column("SystemModstamp", "datetime"), Column("IsDeleted", "boolean")]
T0 = datetime(2026, 1, 1)


def page(*rows):
    ids, statuses, stamps, deleted = zip(*rows)
    return pa.table({"Id": list(ids), "Status": list(statuses), "SystemModstamp": list(stamps), "IsDeleted": list(deleted)})


def sync(con, *pages, synced_at=T0):
    raw_store.create_stage(con, SPEC, COLUMNS)
    for p in pages:
        raw_store.stage_page(con, SPEC, p, COLUMNS)
    con.begin()
    raw_store.ensure_table(con, SPEC, COLUMNS)
    counts = raw_store.merge_stage(con, SPEC, COLUMNS, synced_at)
    con.commit()
    return counts


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "t.duckdb")) as con:
        yield con


def rows(con):
    return con.execute('SELECT "Id", "Status", "IsDeleted", _flywheel_synced_at FROM raw_salesforce.lead ORDER BY 1').fetchall()


def test_new_changed_deleted_and_unchanged_rows(con):
    first = sync(con, page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False),
                           ("00QB", "Open", "2026-01-01T11:00:00.000+0000", False)))
    assert (first.new, first.changed, first.deleted) == (2, 0, 0)
    assert first.watermark == datetime(2026, 1, 1, 11)

    later = datetime(2026, 1, 2)
    second = sync(con, page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False),     # re-read, same
                            ("00QB", "Working", "2026-01-02T09:00:00.000+0000", True),   # changed + deleted
                            ("00QC", "Open", "2026-01-02T09:30:00.000Z", False)),         # new (Bulk's format)
                  synced_at=later)
    assert (second.new, second.changed, second.deleted) == (1, 1, 1)
    assert rows(con) == [
        ("00QA", "Open", False, T0),  # untouched: its synced_at did not move
        ("00QB", "Working", True, later),
        ("00QC", "Open", False, later),
    ]


def test_rereading_identical_rows_changes_nothing(con):
    p = page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False))
    sync(con, p)
    before = rows(con)
    counts = sync(con, p, synced_at=datetime(2026, 2, 1))
    assert (counts.new, counts.changed) == (0, 0)
    assert rows(con) == before


def test_an_id_seen_twice_in_one_sync_keeps_its_newest_version(con):
    counts = sync(con, page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False)),
                  page(("00QA", "Working", "2026-01-01T10:05:00.000+0000", False)))
    assert counts.new == 1
    assert rows(con) == [("00QA", "Working", False, T0)]


def test_malformed_datetime_names_object_field_and_record(con):
    with pytest.raises(raw_store.MalformedValue, match=r"Lead.SystemModstamp of record 00QB holds '15/01/2024 10:20'"):
        sync(con, page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False),
                       ("00QB", "Open", "15/01/2024 10:20", False)))


def test_a_new_field_adds_a_column(con):
    sync(con, page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False)))
    added, no_longer_read = raw_store.ensure_table(con, SPEC, [*COLUMNS, Column("Rating", "picklist")])
    assert (added, no_longer_read) == (["Rating"], [])


def test_a_field_the_org_dropped_keeps_its_column(con):
    sync(con, page(("00QA", "Open", "2026-01-01T10:00:00.000+0000", False)))
    without_status = [c for c in COLUMNS if c.field != "Status"]
    assert raw_store.ensure_table(con, SPEC, without_status) == ([], ["Status"])
    assert "Status" in [d[0] for d in con.execute(f"SELECT * FROM {raw_store.table_name(SPEC)}").description]


def test_the_lake_commits_rows_and_watermark_in_one_swap_and_ignores_what_a_kill_left(tmp_path):
    """The lake (FLYWHEEL_WAREHOUSE=spark): the same merge, committed as a Parquet snapshot with its
    sync state; a half-written snapshot is never read, and the next commit removes it."""
    from pipelines.storage.lake import CURRENT, LakeWarehouse

    def lake_sync(con, rows, synced_at):  # what sync._commit does
        raw_store.create_stage(con, SPEC, COLUMNS)
        raw_store.stage_page(con, SPEC, page(*rows), COLUMNS)
        con.begin()
        raw_store.ensure_table(con, SPEC, COLUMNS)
        counts = raw_store.merge_stage(con, SPEC, COLUMNS, synced_at)
        raw_store.write_state(con, SPEC, counts.watermark, synced_at, "run", 0)
        con.commit()
        return counts

    lake = tmp_path / "lake"
    store = LakeWarehouse.at(lake)
    first_stamp, later_stamp = "2026-01-01T10:00:00.000+0000", "2026-01-02T10:00:00.000+0000"
    with store.get_connection() as con:
        lake_sync(con, [("1", "Open", first_stamp, False), ("2", "Open", first_stamp, False)], T0)
    folder = lake / "raw_salesforce" / "lead"
    first = (folder / CURRENT).resolve()
    (folder / "snapshots" / ".staging-killed").mkdir()  # a commit killed before its swap
    with store.get_connection() as con:
        assert raw_store.read_state(con, "Lead").watermark == datetime(2026, 1, 1, 10)
        assert sorted(con.execute('SELECT "Id", "Status" FROM raw_salesforce.lead').fetchall()) == [("1", "Open"), ("2", "Open")]
        counts = lake_sync(con, [("2", "Working", later_stamp, False), ("3", "Open", later_stamp, True)], datetime(2026, 1, 2))
        assert (counts.new, counts.changed, counts.deleted) == (1, 1, 1)
    assert (folder / CURRENT).resolve() != first
    assert not list((folder / "snapshots").glob(".staging-*"))
    with store.get_connection() as con:
        assert raw_store.read_state(con, "Lead").watermark == datetime(2026, 1, 2, 10)
        rows = con.execute('SELECT "Id", "Status", "IsDeleted" FROM raw_salesforce.lead ORDER BY 1').fetchall()
        assert rows == [("1", "Open", False), ("2", "Working", False), ("3", "Open", True)]
    assert not list((lake / "_work").iterdir()), "each connection's scratch file goes with it"
