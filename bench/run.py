"""`make bench`: every page's latency at two clinic sizes, against the floor of the stack (docs/performance.md).

For each size it makes a database in one throwaway PostgreSQL cluster (tests/run_suite.py), migrates it,
seeds it (`seed_scale`), starts gunicorn with 2 workers on loopback with CLINIC_BENCH_FLOOR on, and runs
closed-loop clients (front desk and physiotherapists, each also opening a patient's questionnaire link)
for a fixed time. It prints one table per size and the growth of each page's p95 between the sizes, and
writes everything as JSON to bench/results/.

    python bench/run.py --sizes 1000,100000 --seconds 60 --clients 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fictional import PRACTITIONER_PREFIX, SEED_USERNAME, questionnaire_token  # noqa: E402

RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PASSWORD = os.environ.get("DEMO_PASSWORD") or "ims-demo-2026"
LOGINS = ("clinicadmin", "frontdesk", "physio", "physio2")
FLOOR = "floor (no query)"
PAGES = (
    FLOOR, "login", "registry search", "patient chart", "day schedule", "practitioner week", "booking form",
    "booking POST", "assessment summary", "progress page", "questionnaire page",
)  # fmt: skip
# Targets: p95 within 3x the floor at the larger size, within 1.3x of its own p95 at the smaller
# size, at most 15 queries, no error.
TARGET_FLOOR_RATIO, TARGET_GROWTH, TARGET_QUERIES = 3.0, 1.3, 15


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- HTTP clients ------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    ms: float
    ok: bool
    status: int
    queries: int | None
    server_ms: float | None


class Browser:
    """One user's cookie jar over http.client (gunicorn's sync workers close each connection)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], str, float]:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "ims-clinic-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 0, {}, "", (time.perf_counter() - started) * 1000
        elapsed = (time.perf_counter() - started) * 1000
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        if response.will_close:
            self.connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text, elapsed

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


def login(browser: Browser, username: str) -> tuple[int, dict[str, str], str, float]:
    browser.request("GET", "/accounts/login/")
    return browser.request(
        "POST",
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.csrf()},
    )


# --- The clinic's data, as the clients need it --------------------------------------------


@dataclass
class ClinicData:
    patients: list[tuple[int, str, str]]  # id, given name, family name (active, seeded)
    practitioners: list[int]
    assessments: list[int]
    progress_patients: list[int]  # patients with treatment sessions and outcome scores
    tokens: list[str]
    treatment_type: int
    first_booking_day: date
    days: list[date]  # the weekdays around today that the schedule pages show
    booking_counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_booking(self) -> tuple[int, int, str]:
        """A free slot far beyond the seeded weeks, never the same twice: practitioner, patient, start."""
        with self.lock:
            number = self.booking_counter
            self.booking_counter += 1
        practitioner = self.practitioners[number % len(self.practitioners)]
        patient = self.patients[number % len(self.patients)][0]
        per_day = len(self.practitioners) * 7  # 08:00 to 11:00 every 30 minutes
        day = self.first_booking_day
        for _ in range(number // per_day):
            day += timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        slot = (number // len(self.practitioners)) % 7
        starts = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=30 * slot)
        return practitioner, patient, starts.strftime("%Y-%m-%dT%H:%M")


def load_clinic_data(database_url: str) -> ClinicData:
    import psycopg2

    parts = urlsplit(database_url)
    connection = psycopg2.connect(
        host=unquote(parts.hostname or ""), user=parts.username, dbname=parts.path.lstrip("/")
    )
    with connection, connection.cursor() as cursor:
        data = read_clinic_data(cursor)
    connection.close()
    return data


def read_clinic_data(cursor: Any) -> ClinicData:
    """What the clients pick from, read through a DB-API cursor of the seeded database."""
    cursor.execute("SELECT id, last_name FROM accounts_user WHERE username = %s", [SEED_USERNAME])
    seed_id, layout = cursor.fetchone()
    cursor.execute(
        "SELECT id, given_name, family_name FROM patients_patient WHERE created_by_id = %s AND NOT is_archived "
        "ORDER BY random() LIMIT 3000",
        [seed_id],
    )
    patients = cursor.fetchall()
    cursor.execute(
        "SELECT p.id FROM scheduling_practitioner p JOIN accounts_user u ON u.id = p.user_id "
        "WHERE u.username LIKE %s ORDER BY p.id",
        [PRACTITIONER_PREFIX + "%"],
    )
    practitioners = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT id FROM assessments_assessment ORDER BY random() LIMIT 2000")
    assessments = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT patient_id FROM (SELECT DISTINCT o.patient_id FROM assessments_outcomemeasure o "
        "JOIN assessments_treatmentsession s ON s.id = o.session_id) AS treated ORDER BY random() LIMIT 2000"
    )
    progress_patients = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT patient_id FROM patients_questionnairelink WHERE created_by_id = %s ORDER BY random() LIMIT 2000",
        [seed_id],
    )
    tokens = [questionnaire_token(row[0]) for row in cursor.fetchall()]
    cursor.execute("SELECT id FROM scheduling_appointmenttype WHERE kind = 'treatment' ORDER BY id LIMIT 1")
    treatment_type = cursor.fetchone()[0]
    # Bookings start on a day no earlier run has booked, so a re-run on the same data books free slots.
    cursor.execute("SELECT max(starts_at) FROM scheduling_appointment WHERE booked_by_id <> %s", [seed_id])
    last_booked = cursor.fetchone()[0]
    today = datetime.now().astimezone().date()
    days = [today + timedelta(days=offset) for offset in range(-7, 8)]
    return ClinicData(
        patients=patients,
        practitioners=practitioners,
        assessments=assessments,
        progress_patients=progress_patients,
        tokens=tokens,
        treatment_type=treatment_type,
        first_booking_day=max(
            date.fromisoformat(layout.split()[0]) + timedelta(days=60),
            last_booked.date() + timedelta(days=1) if last_booked else date.min,
        ),
        days=[day for day in days if day.weekday() < 5],
    )


# --- What each kind of user does ------------------------------------------------------------


def name_fragment(rng: random.Random, patient: tuple[int, str, str]) -> str:
    """What staff type: the start of the family name, a piece of it, or the starts of both names."""
    _, given, family = patient
    choice = rng.random()
    if choice < 0.5:
        return family[:3]
    if choice < 0.75 and len(family) > 5:
        start = rng.randrange(1, len(family) - 3)
        return family[start : start + 4]
    return f"{given[:3]} {family[:3]}"


@dataclass
class Action:
    page: str
    method: str
    path: str
    data: dict[str, Any] | None = None
    expect: tuple[int, ...] = (200,)
    anonymous: bool = False


def front_desk_actions(data: ClinicData, rng: random.Random) -> list[Callable[[], Action]]:
    def booking_post() -> Action:
        practitioner, patient, starts_at = data.next_booking()
        form = {
            "patient": patient,
            "practitioner": practitioner,
            "appointment_type": data.treatment_type,
            "starts_at": starts_at,
            "duration_minutes": "",
            "front_desk_note": "",
            "submission_key": str(uuid.uuid4()),
        }
        return Action("booking POST", "POST", "/schedule/appointments/new/", form, expect=(302,))

    def booking_form() -> Action:
        day = rng.choice(data.days)
        query = {
            "practitioner": rng.choice(data.practitioners),
            "starts_at": f"{day.isoformat()}T{rng.choice(('09:00', '10:30', '14:00'))}",
            "patient": rng.choice(data.patients)[0],
        }
        return Action("booking form", "GET", f"/schedule/appointments/new/?{urlencode(query)}")

    def registry_search() -> Action:
        text = name_fragment(rng, rng.choice(data.patients))
        return Action("registry search", "GET", f"/patients/?{urlencode({'q': text})}")

    return [registry_search, booking_form, booking_post, *common_actions(data, rng)]


def physiotherapist_actions(data: ClinicData, rng: random.Random) -> list[Callable[[], Action]]:
    actions = [
        lambda: Action("assessment summary", "GET", f"/assessments/{rng.choice(data.assessments)}/step/summary/"),
        *common_actions(data, rng),
    ]
    if data.progress_patients:  # none in a database seeded before treatment sessions were
        actions.append(
            lambda: Action("progress page", "GET", f"/assessments/progress/{rng.choice(data.progress_patients)}/")
        )
    return actions


def common_actions(data: ClinicData, rng: random.Random) -> list[Callable[[], Action]]:
    return [
        lambda: Action(FLOOR, "GET", "/bench/floor/"),
        lambda: Action("patient chart", "GET", f"/patients/{rng.choice(data.patients)[0]}/"),
        lambda: Action("day schedule", "GET", f"/schedule/?date={rng.choice(data.days).isoformat()}"),
        lambda: Action(
            "practitioner week",
            "GET",
            f"/schedule/practitioners/{rng.choice(data.practitioners)}/week/?date={rng.choice(data.days).isoformat()}",
        ),
        lambda: Action("questionnaire page", "GET", f"/q/{rng.choice(data.tokens)}/", anonymous=True),
    ]


class VirtualUser(threading.Thread):
    """A closed loop with no think time: log in, then one page after another until told to stop."""

    def __init__(self, *, username: str, port: int, data: ClinicData, seed: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.username, self.port, self.data, self.stop_event = username, port, data, stop
        self.rng = random.Random(seed)
        self.samples: list[Sample] = []
        self.recording = False
        self.failures: list[str] = []
        maker = front_desk_actions if username == "frontdesk" else physiotherapist_actions
        self.actions = maker(data, self.rng)

    def record(self, page: str, status: int, headers: dict[str, str], text: str, ms: float, expect: tuple) -> None:
        ok = status in expect
        if not ok and len(self.failures) < 5:
            self.failures.append(f"{page}: HTTP {status} {text[:300]!r}")
        if self.recording:
            queries = headers.get("x-bench-queries")
            server = headers.get("x-bench-server-ms")
            self.samples.append(
                Sample(page, ms, ok, status, int(queries) if queries else None, float(server) if server else None)
            )

    def run(self) -> None:
        browser = Browser(self.port)
        status, _, text, _ = login(browser, self.username)
        if status != 302:
            self.failures.append(f"login of {self.username}: HTTP {status} {text[:300]!r}")
            return
        anonymous = Browser(self.port)
        while not self.stop_event.is_set():
            if self.rng.random() < 0.04:
                # Signing in, as each role in turn, in a browser of its own (argon2 makes this slow on purpose).
                status, headers, text, ms = login(Browser(self.port), self.rng.choice(LOGINS))
                self.record("login", status, headers, text, ms, (302,))
                continue
            action = self.rng.choice(self.actions)()
            client = anonymous if action.anonymous else browser
            data = None
            if action.data is not None:
                data = {**action.data, "csrfmiddlewaretoken": client.csrf()}
            status, headers, text, ms = client.request(action.method, action.path, data)
            self.record(action.page, status, headers, text, ms, action.expect)


# --- Statistics ----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(samples: list[Sample]) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {}
    for page in PAGES:
        mine = [s for s in samples if s.page == page]
        if not mine:
            continue
        times = [s.ms for s in mine]
        server = [s.server_ms for s in mine if s.server_ms is not None]
        queries = [s.queries for s in mine if s.queries is not None]
        pages[page] = {
            "requests": len(mine),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "server_p95_ms": round(percentile(server, 0.95), 1) if server else None,
            "queries_max": max(queries) if queries else None,
            "queries_mean": round(sum(queries) / len(queries), 1) if queries else None,
            "errors": sum(not s.ok for s in mine),
        }
    floor = pages.get(FLOOR)
    for stats in pages.values():
        stats["p95_vs_floor"] = round(stats["p95_ms"] / floor["p95_ms"], 2) if floor else None
        stats["server_p95_vs_floor"] = (
            round(stats["server_p95_ms"] / floor["server_p95_ms"], 2)
            if floor and stats["server_p95_ms"] and floor["server_p95_ms"]
            else None
        )
    return pages


def table(pages: dict[str, dict[str, Any]]) -> str:
    header = ("page", "requests", "p50 ms", "p95 ms", "p99 ms", "p95/floor", "server p95", "srv/floor",
              "queries", "errors")  # fmt: skip
    rows = [header]
    for page, s in pages.items():
        rows.append(
            (
                page,
                str(s["requests"]),
                f"{s['p50_ms']:.1f}",
                f"{s['p95_ms']:.1f}",
                f"{s['p99_ms']:.1f}",
                f"{s['p95_vs_floor']:.2f}x",
                f"{s['server_p95_ms'] or 0:.1f}",
                f"{s['server_p95_vs_floor'] or 0:.2f}x",
                f"{s['queries_max']}",
                str(s["errors"]),
            )
        )
    return markdown(rows)


def markdown(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def growth(small: dict[str, Any], large: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = {}
    for page in PAGES:
        if page in small and page in large:
            a, b = small[page]["p95_ms"], large[page]["p95_ms"]
            result[page] = {"p95_small_ms": a, "p95_large_ms": b, "growth": round(b / a, 2) if a else None}
    return result


def verdicts(large: dict[str, Any], grown: dict[str, Any]) -> dict[str, dict[str, bool]]:
    result = {}
    for page, s in large.items():
        result[page] = {
            "p95_within_3x_floor": s["p95_vs_floor"] is not None and s["p95_vs_floor"] <= TARGET_FLOOR_RATIO,
            "p95_growth_within_1_3x": page in grown and (grown[page]["growth"] or 0) <= TARGET_GROWTH,
            "queries_at_most_15": s["queries_max"] is not None and s["queries_max"] <= TARGET_QUERIES,
            "no_errors": s["errors"] == 0,
        }
    return result


# --- One size -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_HTTPS": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "CLINIC_BENCH_FLOOR": "1",
            "CLINIC_REQUIRE_MFA": "0",  # the clients sign in with a password only
            "CLINIC_LOGIN_FAILURE_LIMIT": "1000",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_size(cluster_url: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    import psycopg2

    name = f"bench_{size}"
    database_url = cluster_url.rsplit("/", 1)[0] + "/" + name
    env = server_environment(database_url)
    appointments = size * args.appointments_per_patient
    seed_seconds = None
    if not args.reuse:
        parts = urlsplit(cluster_url)
        admin = psycopg2.connect(host=unquote(parts.hostname or ""), user=parts.username, dbname="postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")
        admin.close()
        say(f"{size:,} patients: migrating")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        say(f"{size:,} patients: seeding {appointments:,} appointments and the rest")
        started = time.monotonic()
        manage(env, "seed_scale", "--force", "--patients", str(size), "--appointments", str(appointments))
        seed_seconds = round(time.monotonic() - started, 1)
    data = load_clinic_data(database_url)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ims_clinic.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2",
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(port)
        say(f"{size:,} patients: {args.clients} clients for {args.warmup}+{args.seconds} s on 127.0.0.1:{port}")
        samples, failures = drive(port, data, args)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    pages = summarise(samples)
    for failure in failures:
        say(f"  error: {failure}")
    return {"patients": size, "appointments": appointments, "seed_seconds": seed_seconds, "pages": pages}


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, *_ = Browser(port).request("GET", "/healthz")
        if status == 200:
            return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def drive(port: int, data: ClinicData, args: argparse.Namespace) -> tuple[list[Sample], list[str]]:
    stop = threading.Event()
    usernames = [("frontdesk", "physio", "physio2")[i % 3] if i % 2 else "frontdesk" for i in range(args.clients)]
    users = [
        VirtualUser(username=name, port=port, data=data, seed=args.seed + index, stop=stop)
        for index, name in enumerate(usernames)
    ]
    for user in users:
        user.start()
    time.sleep(args.warmup)
    for user in users:
        user.recording = True
    time.sleep(args.seconds)
    stop.set()
    for user in users:
        user.join(timeout=120)
    return [s for user in users for s in user.samples], [f for user in users for f in user.failures]


# --- Main -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f"{total_kb / 1024 / 1024:.0f} GB"
    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000", help="patients per run, comma-separated (two or more)")
    parser.add_argument("--appointments-per-patient", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per size")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients (closed loop, no think time)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--use-cluster",
        metavar="URL",
        help="an existing PostgreSQL (postgresql://user@%%2Fsocket%%2Fdir/postgres) instead of a throwaway one",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --use-cluster: measure databases bench_<size> already seeded, without migrating or seeding",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})

    from tests.run_suite import ThrowawayPostgres, interrupt, postgres_bin_dir

    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        say("PostgreSQL binaries (initdb, pg_ctl) not found: the benchmark needs PostgreSQL.")
        return 1
    signal.signal(signal.SIGTERM, interrupt)
    cluster = None if args.use_cluster else ThrowawayPostgres(bin_dir)
    runs = []
    try:
        cluster_url = args.use_cluster or cluster.start()
        say(f"PostgreSQL at {cluster_url}")
        for size in sizes:
            runs.append(run_size(cluster_url, size, args))
            print(f"\n{runs[-1]['patients']:,} patients, {runs[-1]['appointments']:,} appointments "
                  f"(seeded in {runs[-1]['seed_seconds']} s):\n{table(runs[-1]['pages'])}\n", flush=True)  # fmt: skip
    except KeyboardInterrupt:
        say("Interrupted.")
        return 130
    finally:
        if cluster:
            cluster.stop()

    report: dict[str, Any] = {
        "run_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {"workers": 2, "clients": args.clients, "seconds": args.seconds, "warmup": args.warmup},
        "targets": {"p95_vs_floor": TARGET_FLOOR_RATIO, "p95_growth": TARGET_GROWTH, "queries": TARGET_QUERIES},
        "runs": runs,
    }
    if len(runs) >= 2:
        small, large = runs[0]["pages"], runs[-1]["pages"]
        grown = growth(small, large)
        report["growth"] = grown
        report["verdicts"] = verdicts(large, grown)
        rows = [("page", f"p95 at {runs[0]['patients']:,}", f"p95 at {runs[-1]['patients']:,}", "growth",
                 "<=3x floor", "<=1.3x growth", "<=15 queries", "0 errors")]  # fmt: skip
        for page, g in grown.items():
            v = report["verdicts"][page]
            rows.append(
                (
                    page,
                    f"{g['p95_small_ms']:.1f}",
                    f"{g['p95_large_ms']:.1f}",
                    f"{g['growth']:.2f}x",
                    *(
                        "yes" if v[key] else "NO"
                        for key in ("p95_within_3x_floor", "p95_growth_within_1_3x", "queries_at_most_15", "no_errors")
                    ),
                )
            )
        print(f"Growth of p95 from {runs[0]['patients']:,} to {runs[-1]['patients']:,} patients:\n{markdown(rows)}\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{datetime.now().astimezone():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    say(f"Results written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
