"""The processes bench/load_test.py runs the portal in, and the CPU time they use.

Not a benchmark itself (run_all.py skips names starting with "_"). Each process runs in a session of its own,
so a Ctrl-C in the terminal reaches it only through the load test, which stops them all on the way out.
"""

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
KEEP_ALIVE_SECONDS = 30  # longer than any pause, as a proxy in front would keep members' connections
# The tests' Argon2 cost, for --light-passwords: a quick run on a busy machine, sign-in then costing next to nothing.
LIGHT_PASSWORDS = {"PASSWORD_HASH_TIME_COST": "1", "PASSWORD_HASH_MEMORY_KIB": "1024"}


def environment(url: str, secret: str, folder: Path, ports: tuple[int, int], light: bool) -> dict[str, str]:
    """Production settings for the web server, worker and catcher. The sign-in limit per address is raised:
    here every member comes from 127.0.0.1, where in a council each would have an address of their own."""
    web_port, mail_port = ports
    return {
        **os.environ,
        **(LIGHT_PASSWORDS if light else {}),
        "PORTAL_ENV": "production",
        "SECRET_KEY": secret,
        "DATABASE_URL": url,
        "PORTAL_INSTANCE_DIR": str(folder),
        "PUBLIC_BASE_URL": f"http://{HOST}:{web_port}",
        "MAIL_SERVER": HOST,
        "MAIL_PORT": str(mail_port),
        "OUTBOX_IDLE_SECONDS": "1",
        "RATELIMIT_SIGN_IN": "100000 per minute",
        "LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def started(command: list[str], env: dict, log: Path):
    """A process in a session of its own (so Ctrl-C reaches it only through us), stopped on the way out."""
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
        "--keep-alive", str(KEEP_ALIVE_SECONDS), "--log-level", "warning", "wsgi:app",
    ]  # fmt: skip


def wait_until_up(port: int, processes: list[subprocess.Popen], what: str, path: str | None) -> None:
    """Until `what` accepts a connection on `port` (and, given a path, answers it with 200)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise SystemExit(f"{what} stopped with exit code {process.returncode}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.connect()
            if path is None:
                return
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.3)
    raise SystemExit(f"{what} did not answer within 60 seconds")


def log_errors(folder: Path) -> int:
    """Tracebacks the servers logged: how many, showing the first two of each log."""
    found = 0
    for log in sorted(folder.glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        tracebacks = [number for number, line in enumerate(lines) if line.startswith("Traceback")]
        found += len(tracebacks)
        for number in tracebacks[:2]:
            print(f"\n{log.name}, a traceback:\n" + "\n".join(lines[max(0, number - 1) : number + 25]))
    return found


# ---- CPU time --------------------------------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: [state, ppid, ...]; empty once the process has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text[text.rindex(")") + 2 :].split()


def family(pid: int) -> list[int]:
    """The process and its children (gunicorn's master and its workers)."""
    children = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid, *(child for child in children if (fields := _stat_fields(child)) and fields[1] == str(pid))]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time these processes have used so far."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine since boot, from /proc/stat."""
    user, nice, system, idle, iowait, *rest = (int(part) for part in Path("/proc/stat").read_text().split()[1:11])
    busy = user + nice + system + sum(rest[:3])  # irq, softirq, steal
    return busy, busy + idle + iowait


@dataclass
class CpuMeter:
    """CPU used by the web server's workers and the outbox worker, and how busy the whole machine was, between
    start() and stop(): what says whether the portal or something else on the machine took the time."""

    web: list[int]
    worker: list[int]
    web_seconds: float = 0.0
    worker_seconds: float = 0.0
    machine_busy: float = 0.0  # share of all the machine's CPUs, 0 to 1

    def start(self) -> "CpuMeter":
        self._web, self._worker, self._machine = cpu_seconds(self.web), cpu_seconds(self.worker), machine_ticks()
        return self

    def stop(self) -> "CpuMeter":
        self.web_seconds = cpu_seconds(self.web) - self._web
        self.worker_seconds = cpu_seconds(self.worker) - self._worker
        busy, ticks = (after - before for after, before in zip(machine_ticks(), self._machine, strict=True))
        self.machine_busy = busy / ticks if ticks else 0.0
        return self
