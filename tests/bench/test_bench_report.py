"""The benchmark's floor page and query header exist only when asked for; its report has the expected shape."""

import importlib

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_url_caches, reverse

from bench import run
from bench.middleware import QUERIES_HEADER, SERVER_TIME_HEADER, QueryCountMiddleware


def samples(page: str, times: list[float], *, queries: int = 3, bad: int = 0) -> list[run.Sample]:
    return [run.Sample(page, ms, index >= bad, 200, queries, ms / 2) for index, ms in enumerate(times)]


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert run.percentile(values, 0.50) == 50
    assert run.percentile(values, 0.95) == 95
    assert run.percentile(values, 0.99) == 99
    assert run.percentile([7.0], 0.95) == 7


def test_summary_has_every_column_and_the_ratio_to_the_floor() -> None:
    pages = run.summarise(
        samples(run.FLOOR, [10.0] * 20) + samples("patient chart", [20.0] * 19 + [40.0], queries=12, bad=1)
    )

    chart = pages["patient chart"]
    assert set(chart) == {
        "requests", "p50_ms", "p95_ms", "p99_ms", "server_p95_ms", "queries_max", "queries_mean", "errors",
        "p95_vs_floor", "server_p95_vs_floor",
    }  # fmt: skip
    assert (chart["requests"], chart["p95_ms"], chart["p95_vs_floor"], chart["errors"]) == (20, 20.0, 2.0, 1)
    assert chart["queries_max"] == 12
    assert "| patient chart" in run.table(pages)


def test_growth_and_verdicts_compare_the_larger_size_with_the_smaller() -> None:
    small = run.summarise(samples(run.FLOOR, [10.0] * 20) + samples("day schedule", [15.0] * 20))
    large = run.summarise(samples(run.FLOOR, [10.0] * 20) + samples("day schedule", [25.0] * 20, queries=16))

    grown = run.growth(small, large)
    verdicts = run.verdicts(large, grown)

    assert grown["day schedule"] == {"p95_small_ms": 15.0, "p95_large_ms": 25.0, "growth": 1.67}
    assert verdicts["day schedule"] == {
        "p95_within_3x_floor": True,
        "p95_growth_within_1_3x": False,
        "queries_at_most_15": False,
        "no_errors": True,
    }
    assert all(verdicts[run.FLOOR].values())


def test_the_middleware_counts_the_queries_of_a_response() -> None:
    def view(request: object) -> HttpResponse:
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))

    assert response[QUERIES_HEADER] == "0"
    assert float(response[SERVER_TIME_HEADER]) >= 0


@pytest.mark.django_db
def test_the_middleware_counts_each_statement() -> None:
    def view(request: object) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    assert QueryCountMiddleware(view)(RequestFactory().get("/"))[QUERIES_HEADER] == "2"


@pytest.mark.django_db
def test_there_is_no_floor_page_unless_the_benchmark_asks_for_it(front_desk_client: object) -> None:
    with pytest.raises(NoReverseMatch):
        reverse("bench-floor")
    assert front_desk_client.get("/bench/floor/").status_code == 404


@pytest.mark.django_db
def test_the_floor_view_runs_no_query() -> None:
    from bench.views import floor

    with CaptureQueriesContext(connection) as queries:
        response = floor(RequestFactory().get("/bench/floor/"))

    assert response.status_code == 200
    assert b"Benchmark floor" in response.content
    assert len(queries) == 0


@pytest.mark.django_db
def test_the_benchmark_setting_routes_the_floor_page_through_every_middleware(
    settings: object, front_desk_client: object
) -> None:
    import ims_clinic.urls

    settings.CLINIC_BENCH_FLOOR = True
    settings.MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    try:
        importlib.reload(ims_clinic.urls)
        clear_url_caches()
        response = front_desk_client.get(reverse("bench-floor"))
    finally:
        settings.CLINIC_BENCH_FLOOR = False
        importlib.reload(ims_clinic.urls)
        clear_url_caches()

    assert response.status_code == 200
    assert int(response[QUERIES_HEADER]) > 0  # the session and the user, read by the middleware
