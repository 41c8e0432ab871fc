"""A first load is gated chunk by chunk: every row is validated, memory stays that of one chunk."""

import datetime as dt

import duckdb
from conftest import make_client

from conftest import sync_object
from pipelines.quality import gates
from pipelines.salesforce.objects import OBJECTS_BY_NAME
from pipelines.sample_org.generator import GeneratorConfig
from pipelines.sample_org.org import SampleOrg

LOGINS = OBJECTS_BY_NAME["LoginHistory"]


def test_every_chunk_of_a_large_sync_is_validated(tmp_path, monkeypatch):
    monkeypatch.setattr(gates, "CHUNK_VECTORS", 1)  # 2,048 rows a chunk
    config = GeneratorConfig(seed=3, users=60, days=45, end_date=dt.date(2026, 11, 15))
    with SampleOrg.from_generator(config) as org, duckdb.connect(str(tmp_path / "f.duckdb")) as con:
        user = org.store.records("User")[0]["Id"]
        org.store.upsert("LoginHistory", [{"Id": "0Ya-not-an-id", "UserId": user, "Status": "Success",
                                           "LoginType": "Application", "LoginTime": dt.datetime(2026, 11, 15, 23)}])
        report = sync_object(make_client(org), con, LOGINS)
        result = gates.raw_gate(con, spec=LOGINS)
    assert report.rows_read > 2048  # two chunks or more
    assert result.rows == report.rows_read
    (failure,) = result.errors
    assert failure.sample_ids == ["0Ya-not-an-id"] and "1 of" in failure.observed
