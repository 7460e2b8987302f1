"""Run the whole test suite on a throwaway PostgreSQL cluster, or say plainly why not.

`make test` calls this. It finds PostgreSQL's binaries, makes a cluster in a temporary
folder that listens only on a unix socket there, runs pytest against it, and always stops
and removes the cluster, also on failure or Ctrl-C. Without the binaries it runs on SQLite
and says what that skips; with CI=true that is a failure instead. Arguments go to pytest.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The Nu Html Checker: Java, and the jar that `.ci/run` installs from the npm registry (package vnu-jar).
JAVA = shutil.which("java") or "java"
VNU_JAR = os.environ.get("VNU_JAR") or str(ROOT / ".ci/.vnu/node_modules/vnu-jar/build/dist/vnu.jar")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def say(message: str) -> None:
    print(f"[make test] {message}", flush=True)


def nu_checker_available() -> bool:
    return shutil.which(JAVA) is not None and Path(VNU_JAR).is_file()


def postgres_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: POSTGRES_BIN_DIR if set, else PATH, else
    Debian's versioned folders."""
    chosen = os.environ.get("POSTGRES_BIN_DIR")
    if chosen:
        return Path(chosen) if (Path(chosen) / "initdb").exists() else None
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(candidates[-1]).parent if candidates else None


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temp folder, reachable only through a unix socket in that folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="ims-clinic-pg-"))
        self.data = self.folder / "data"
        self.started = False
        # initdb refuses to run as root: then the cluster belongs to the postgres user.
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, user=self.run_as, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        if self.run_as:
            shutil.chown(self.folder, user=self.run_as)
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", options, "-w", "start",
        )  # fmt: skip
        self.started = True
        return f"postgresql://postgres@{quote(str(self.folder), safe='')}/postgres"

    def stop(self) -> None:
        try:
            if self.started:
                subprocess.run(
                    [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                    user=self.run_as,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def test_environment(database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "test-only-secret-key-" + "x" * 40,
            "DJANGO_HTTPS": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_DEBUG": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(pytest_args: list[str]) -> int:
    # SIGTERM (a CI timeout, a killed make) unwinds like Ctrl-C, so the cluster is removed.
    signal.signal(signal.SIGTERM, interrupt)

    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        if IN_CI:
            say("FAILED: PostgreSQL binaries (initdb, pg_ctl) not found, and CI needs the PostgreSQL pass.")
            say("Install them (Debian: apt-get install postgresql) and run again.")
            return 1
        say(
            "PostgreSQL binaries not found: running on SQLite. Skipped: the PostgreSQL-only tests "
            "(database constraints, triggers, trigram search). Install postgresql for the full pass."
        )
    if not Path(CHROMIUM).exists():
        if IN_CI:
            say(f"FAILED: Chromium not found at {CHROMIUM}; CI must run the browser tests (apt-get install chromium).")
            return 1
        say(f"Chromium not found at {CHROMIUM}: browser tests are skipped (apt-get install chromium to run them).")
    if not nu_checker_available():
        if IN_CI:
            say(f"FAILED: the Nu Html Checker needs Java and {VNU_JAR}; CI must check the pages' HTML.")
            return 1
        say("Java or the Nu Html Checker (VNU_JAR) not found: the HTML validity test is skipped.")

    cluster = ThrowawayPostgres(bin_dir) if bin_dir else None
    try:
        database_url = None
        if cluster:
            database_url = cluster.start()
            say(f"PostgreSQL from {bin_dir} in {cluster.folder} (unix socket only).")
        command = [sys.executable, "-m", "pytest", *pytest_args]
        code = subprocess.run(command, cwd=ROOT, env=test_environment(database_url), check=False).returncode
    except subprocess.CalledProcessError as error:
        say(f"FAILED to start PostgreSQL: {error.stderr.decode(errors='replace').strip()}")
        return 1
    except KeyboardInterrupt:
        say("Interrupted.")
        return 130
    finally:
        if cluster:
            cluster.stop()
    if code == 5:
        say("FAILED: pytest collected no tests.")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
