"""The floor of the stack for the benchmark: a page through every middleware whose view runs no query.

Routed only when CLINIC_BENCH_FLOOR is on (ims_clinic/urls.py). It renders a small template without the
request, so no context processor runs; what it costs is the middleware (session, user, CSRF, CSP, audit)
plus a template render: what every page pays before its own work.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_safe

FLOOR_TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><main><h1>{{ title }}</h1>{% for line in lines %}<p>{{ line }}</p>{% endfor %}</main></body></html>"
)


@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    context = {"title": "Benchmark floor", "lines": ["No query in this view.", "Same middleware as every page."]}
    return HttpResponse(FLOOR_TEMPLATE.render(context))
