"""`make run`'s launcher: the web server and the task worker start together and stop together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "scripts" / "run_with_worker.py"
# Bounded waits: each loop gives up after this many tries of POLL seconds.
POLL = 0.25
TRIES = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    """Still running (a zombie left to a container's init counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def group_alive(pgid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database of its own, in development mode (both reloaders on, as with `make run`)."""
    folder = tmp_path_factory.mktemp("run")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{folder}/clinic.sqlite3", "PYTHONUNBUFFERED": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    return env


def start(environment: dict[str, str], log: Path, port: int) -> subprocess.Popen[bytes]:
    with open(log, "wb") as output:
        return subprocess.Popen(
            [sys.executable, str(LAUNCHER), f"127.0.0.1:{port}"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def wait_until_healthy(port: int, launcher: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(TRIES):
        assert launcher.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(POLL)
    pytest.fail(f"the server never answered /healthz:\n{log.read_text()}")


def children(log: Path) -> dict[str, int]:
    for _ in range(TRIES):
        found = dict(re.findall(r"(web server|task worker) \(process (\d+)\)", log.read_text()))
        if len(found) == 2:
            return {name: int(pid) for name, pid in found.items()}
        time.sleep(POLL)
    pytest.fail(f"the launcher never named its processes:\n{log.read_text()}")


def wait_exit(process: subprocess.Popen[bytes]) -> int:
    return process.wait(timeout=POLL * TRIES)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_server_and_the_worker(environment: dict[str, str], tmp_path: Path, signum: int) -> None:
    port, log = free_port(), tmp_path / "run.log"
    launcher = start(environment, log, port)
    try:
        wait_until_healthy(port, launcher, log)
        pids = children(log)
        assert all(alive(pid) for pid in pids.values())

        launcher.send_signal(signum)
        status = wait_exit(launcher)
    finally:
        if launcher.poll() is None:
            launcher.kill()

    assert status == 0, log.read_text()
    assert "stopped." in log.read_text()
    for name, pid in pids.items():
        # Each child led its own process group: the group (the reloader's child with it) is gone.
        assert not group_alive(pid), name
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_when_the_worker_dies_the_server_is_stopped_too(environment: dict[str, str], tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "run.log"
    launcher = start(environment, log, port)
    try:
        wait_until_healthy(port, launcher, log)
        pids = children(log)

        os.killpg(pids["task worker"], signal.SIGKILL)
        status = wait_exit(launcher)
    finally:
        if launcher.poll() is None:
            launcher.kill()

    assert status != 0
    assert "the task worker stopped" in log.read_text()
    assert not group_alive(pids["web server"])
