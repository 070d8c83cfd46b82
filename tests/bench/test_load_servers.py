"""The load test's process handling: everything it starts is stopped, and the CPU it uses is counted."""

import os
import sys
import time

from bench._load_servers import CpuMeter, _stat_fields, cpu_seconds, family, started

# A process that starts a child of its own and then waits, as gunicorn's master does with its workers.
PARENT = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"


def _alive(pid: int) -> bool:
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] != "Z"  # a zombie has stopped, and is only waiting to be reaped


def test_a_started_process_and_its_children_are_stopped_on_the_way_out(tmp_path):
    with started([sys.executable, "-c", PARENT], dict(os.environ), tmp_path / "parent.log") as process:
        deadline = time.monotonic() + 10
        while len(family(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        everyone = family(process.pid)
        assert len(everyone) == 2 and all(_alive(pid) for pid in everyone)

    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in everyone) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in everyone)


def test_they_are_stopped_when_the_load_test_is_interrupted_too(tmp_path):
    try:
        with started([sys.executable, "-c", PARENT], dict(os.environ), tmp_path / "parent.log") as process:
            pid = process.pid
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert process.returncode is not None and not _alive(pid)


def test_cpu_time_is_counted_for_these_processes_and_the_whole_machine():
    meter = CpuMeter(web=[os.getpid()], worker=[]).start()
    started_at = time.process_time()
    while time.process_time() - started_at < 0.3:
        pass  # busy
    meter.stop()

    assert 0.2 <= meter.web_seconds <= 2
    assert meter.worker_seconds == 0
    assert 0 < meter.machine_busy <= 1
    assert cpu_seconds([os.getpid()]) >= meter.web_seconds
    assert cpu_seconds([2**22 + 12345]) == 0  # no such process
