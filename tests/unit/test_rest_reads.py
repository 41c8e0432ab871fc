"""Which pages go into the next Composite call: five queries at most, chained by reference."""

from datetime import datetime

from pipelines.extract.rest_reads import RestRead, Window, plan_round


def read(name, *, next_url=None, left=0, last_page=0, windows=None, error=None):
    return RestRead(name, lambda w: f"SELECT Id FROM {name} /* {w.low} */", windows if windows is not None else [],
                    next_url=next_url, left=left, last_page=last_page, error=error)


def path(soql):
    return f"/q?{soql}"


def test_an_unopened_read_asks_for_its_first_page_with_the_batch_size():
    [item] = plan_round([read("Lead", windows=[Window(None)])], path, 500)
    assert item.opens and item.subrequest.is_query
    assert item.subrequest.url == "/q?SELECT Id FROM Lead /* None */"
    assert item.subrequest.headers == {"Sforce-Query-Options": "batchSize=500"}


def test_an_open_read_chains_as_many_pages_as_it_has_left():
    task = read("Task", next_url="/services/data/v59.0/query/01gX-2000", left=5000, last_page=2000)
    items = plan_round([task], path, 2000)
    assert [i.subrequest.url for i in items] == [
        "/services/data/v59.0/query/01gX-2000", "@{p0.nextRecordsUrl}", "@{p1.nextRecordsUrl}",
    ]
    assert [i.subrequest.reference_id for i in items] == ["p0", "p1", "p2"]
    assert not any(i.opens for i in items)


def test_five_queries_fill_a_call_and_the_rest_wait_for_the_next():
    big = read("Task", next_url="/next", left=20_000, last_page=2000)
    waiting = read("Lead", windows=[Window(None)])
    items = plan_round([big, waiting], path, 2000)
    assert len(items) == 5 and {i.read.object_name for i in items} == {"Task"}
    assert plan_round([waiting, big], path, 2000)[0].read is waiting  # in order: Lead first, then Task's pages


def test_ended_and_failed_reads_ask_for_nothing():
    done = read("User")
    failed = read("Event", windows=[Window(None)], error=RuntimeError("no"))
    assert plan_round([done, failed], path, 2000) == []


def test_a_window_halves_at_its_middle():
    first, second = Window(datetime(2026, 1, 1), datetime(2026, 1, 3)).halves(datetime(2026, 12, 1))
    assert (first.low, first.high, first.splits) == (datetime(2026, 1, 1), datetime(2026, 1, 2), 1)
    assert (second.low, second.high, second.splits) == (datetime(2026, 1, 2), datetime(2026, 1, 3), 1)
    open_ended = Window(None).halves(datetime(2000, 1, 1))
    assert open_ended[0].low is None and open_ended[1].high is None
