"""The generic background worker: one job at a time, the newest result only, joined on close."""

import threading

import pytest

from gui.background import BackgroundWorker


@pytest.fixture
def worker(qtbot):
    worker = BackgroundWorker("test-worker")
    yield worker
    worker.close()
    assert not [t for t in threading.enumerate() if t.name == "test-worker"]


def test_the_result_arrives_on_the_gui_thread(qtbot, worker):
    ran_on = []

    def job(a, b):
        ran_on.append(threading.current_thread())
        return a + b

    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        worker.submit(job, 2, 3)
    assert blocker.args == [5, None]
    assert ran_on[0] is not threading.main_thread()  # the work ran off the GUI thread


def test_only_the_newest_job_is_delivered_and_older_pending_ones_are_dropped(qtbot, worker):
    release = threading.Event()
    started = threading.Event()
    ran = []

    def slow(tag):
        started.set()
        release.wait(5)
        ran.append(tag)
        return tag

    def fast(tag):
        ran.append(tag)
        return tag

    delivered = []
    worker.finished.connect(lambda result, error: delivered.append(result))
    worker.submit(slow, "first")
    assert started.wait(5)
    worker.submit(fast, "second")  # pending, then replaced before it could start
    worker.submit(fast, "third")
    release.set()
    qtbot.waitUntil(lambda: delivered == ["third"], timeout=5000)
    assert ran == ["first", "third"]  # "second" never ran; "first"'s result was stale


def test_an_exception_is_delivered_not_raised(qtbot, worker):
    def broken():
        raise RuntimeError("boom")

    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        worker.submit(broken)
    result, error = blocker.args
    assert result is None and isinstance(error, RuntimeError) and str(error) == "boom"
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:  # and the worker goes on
        worker.submit(lambda: "still here")
    assert blocker.args == ["still here", None]


def test_cancel_discards_the_running_jobs_result(qtbot, worker):
    release = threading.Event()
    done = threading.Event()
    delivered = []
    worker.finished.connect(lambda result, error: delivered.append(result))

    def job():
        release.wait(5)
        done.set()
        return "late"

    worker.submit(job)
    worker.cancel()
    release.set()
    assert done.wait(5)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.submit(lambda: "fresh")  # delivered after anything "late" would have been
    assert delivered == ["fresh"]


def test_close_waits_for_the_running_job_and_takes_no_more():
    worker = BackgroundWorker("closing-worker")
    started, finished = threading.Event(), threading.Event()

    def job():
        started.set()
        finished.wait(0.2)  # still running when close() is called
        finished.set()

    worker.submit(job)
    assert started.wait(5)
    worker.close()
    assert finished.is_set()  # close returned only after the job ended
    assert not [t for t in threading.enumerate() if t.name == "closing-worker"]
    worker.submit(job)  # ignored after close: no thread is started again
    assert not [t for t in threading.enumerate() if t.name == "closing-worker"]
