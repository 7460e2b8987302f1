"""Benchmark-only middleware (CLINIC_BENCH_FLOOR): each response says how many queries it took and how long."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

QUERIES_HEADER = "X-Bench-Queries"
SERVER_TIME_HEADER = "X-Bench-Server-Ms"


class QueryCounter:
    """An execute wrapper that counts the statements sent to the database (an executemany counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """First in MIDDLEWARE, so the session, the user and the audit trail's queries are counted too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(counter.count)
        response[SERVER_TIME_HEADER] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return response
