"""Run the development server and the task worker side by side, and stop both together (`make run`).

Ctrl-C (SIGINT), SIGTERM or SIGHUP stops both; so does either one stopping by itself (a crash, a port already
in use): the other is stopped too, and the launcher exits with the first one's status. Each child runs in its
own process group, so that the reloaders' own children (runserver and db_worker restart on code changes in
DEBUG) are stopped with them, and nothing is left running behind the terminal.

    python scripts/run_with_worker.py 127.0.0.1:8000 [--worker-arg=--interval=2 ...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long each child has to finish what it is doing after the first signal, then after SIGTERM.
GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2


def say(message: str) -> None:
    print(f"[run] {message}", file=sys.stderr, flush=True)


def commands(address: str, *, server_args: list[str], worker_args: list[str]) -> dict[str, list[str]]:
    manage = [sys.executable, str(ROOT / "manage.py")]
    return {
        "web server": [*manage, "runserver", address, *server_args],
        "task worker": [*manage, "db_worker", *worker_args],
    }


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def wait_all(processes: list[subprocess.Popen[bytes]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(process.poll() is not None for process in processes):
            return True
        time.sleep(POLL_SECONDS)
    return all(process.poll() is not None for process in processes)


def stop(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGINT first (as Ctrl-C would: the worker finishes its task), then SIGTERM, then SIGKILL."""
    running = [process for process in processes.values() if process.poll() is None]
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        for process in running:
            signal_group(process, signum)
        if wait_all(running, GRACE_SECONDS):
            break
    # A reloader's child may outlive its parent in the group: nothing of ours stays behind.
    for process in processes.values():
        signal_group(process, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="host:port for the development server")
    parser.add_argument("--server-arg", action="append", default=[], help="an extra argument for runserver")
    parser.add_argument("--worker-arg", action="append", default=[], help="an extra argument for db_worker")
    options = parser.parse_args(argv)

    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    processes: dict[str, subprocess.Popen[bytes]] = {}
    status = 0
    try:
        for name, command in commands(
            options.address, server_args=options.server_arg, worker_args=options.worker_arg
        ).items():
            processes[name] = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        started = ", ".join(f"{name} (process {process.pid})" for name, process in processes.items())
        say(f"{started}: http://{options.address}/; Ctrl-C stops both.")
        while not stopping:
            ended = [(name, process) for name, process in processes.items() if process.poll() is not None]
            if ended:
                name, process = ended[0]
                status = process.returncode or 1
                say(f"the {name} stopped (exit status {process.returncode}); stopping the other.")
                break
            time.sleep(POLL_SECONDS)
    finally:
        stop(processes)
    if stopping:
        say("stopped.")
    return status


if __name__ == "__main__":
    sys.exit(main())
