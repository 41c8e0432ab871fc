from tests.support.faults import Faults


def test_pending_lists_the_faults_no_request_has_met_yet():
    faults = Faults()
    assert faults.pending() == []
    faults.fail_call(2)
    faults.fail_subrequest(1, index=1)
    faults.release_cursor("LoginHistory")
    faults.query_timeout("Task")
    faults.expire_sessions_after(1)
    assert len(faults.pending()) == 5
    call, fault, _ = faults.next_call(0)  # call 1: a Composite call; its subrequest 0 is not the one
    assert fault is None and faults.subrequest_fault(call, 0) is None
    assert faults.subrequest_fault(call, 1) is not None
    assert faults.take_released_cursor("loginhistory") and faults.take_query_timeout("TASK")
    assert faults.pending() == ["call 2: error", "session expiry"]
    _, fault, expired = faults.next_call(0)
    assert fault is not None and expired and faults.pending() == []
