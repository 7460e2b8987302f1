"""Every form class of the apps, bound to hostile data a thousand times in CI: the fuzz's cheap, deep tier.

The HTTP tier (tests/fuzz/test_forms.py) posts to every form through the whole stack, a hundred examples each;
this tier meets the hostile values where they meet validation, with no request around them, so that each form
class gets FORM_EXAMPLES examples (400 in CI, 30 for `make test`). Each example builds the form as its view
does (tests/fuzz/form_builders.py), binds data drawn from the form's own fields (tests/fuzz/form_values.py), and
checks that:
- `is_valid()` raises nothing, and every error is at one of the form's fields or above the form (`__all__`);
- what is shown of it renders without raising, without the submitted MARKER unescaped and without running
  submitted template syntax: one example in 25 renders the whole form with crispy as its page does, one in 25
  with Django's `as_div`, the others its errors and every field that was sent markup or template syntax;
- nothing was written: no INSERT, UPDATE or DELETE ran (a form only validates; its view saves).
"""

import os
import re
import zlib

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection, reset_queries, transaction
from django.http import QueryDict
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from hypothesis import given, note, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.fuzz.form_builders import BUILDERS, EXTRA_NATURAL, Bind, World, form_classes
from tests.fuzz.form_values import plans, posted
from tests.fuzz.harness import FUZZ_SETTINGS, LOG_TABLES
from tests.fuzz.hostile import MARKER, TEMPLATE_LEAKS
from tests.run_suite import IN_CI

pytestmark = pytest.mark.django_db

# Examples per form class: 400 in CI, 30 for `make test`; FUZZ_FORM_EXAMPLES to choose. One example costs 2 ms
# (a form of a few fields) to 11 ms (the patient's details) on PostgreSQL, with no request and no middleware: the
# 400 for each of the 50 classes take under two minutes.
FORM_EXAMPLES = int(os.environ.get("FUZZ_FORM_EXAMPLES") or (400 if IN_CI else 30))
FORM_SETTINGS = settings(FUZZ_SETTINGS, max_examples=FORM_EXAMPLES)

# A write, and the table it writes to. The one write a form may make: the sign-in form logs a refused password
# (django-axes, which locks out guessing).
SIGN_IN_LOG = frozenset(table for table in LOG_TABLES if table.startswith("axes_"))
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
AS_DIV = Template("{{ form.as_div }}")
CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")  # the pages that give the form a helper
CRISPY_FILTER = Template("{% load crispy_forms_tags %}{{ form|crispy }}")
REQUEST = RequestFactory().get("/")
# Rendering a whole form costs more than all the rest of an example (crispy renders each field through several
# templates, a select each option): one example in 25 renders it whole with crispy, as its page does, and one in
# 25 with Django's `as_div` (forty each per form in CI); the others render its errors and the fields that were sent
# markup or template syntax. Which, follows from the example's data, so a failing example fails again on replay.
WHOLE_EVERY = 25


def whole_render(data: QueryDict) -> str | None:
    turn = zlib.crc32(repr(sorted(data.lists())).encode()) % WHOLE_EVERY
    return {0: "crispy", 1: "as_div"}.get(turn)


def _name(form_class: type) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


def test_every_form_class_of_the_apps_is_fuzzed() -> None:
    unlisted = sorted(_name(form_class) for form_class in form_classes() - BUILDERS.keys())
    assert not unlisted, f"Give these form classes a builder in tests/fuzz/form_builders.py BUILDERS: {unlisted}"
    assert not {form_class for form_class, _ in EXTRA_NATURAL} - BUILDERS.keys()


def render(form: forms.BaseForm, data: QueryDict, *, whole: str | None) -> str:
    """The form as its page shows it (`whole`: "crispy" or "as_div"), or, cheaply, its errors and each field that
    was sent markup or template syntax, through its widget."""
    if whole:
        template = AS_DIV if whole == "as_div" else CRISPY if hasattr(form, "helper") else CRISPY_FILTER
        return template.render(Context({"form": form, "request": REQUEST}))
    shown = [str(form.non_field_errors()), *(str(form[name].errors) for name in form.errors if name in form.fields)]
    for bound in form:
        if any("<" in value or "{" in value for value in data.getlist(bound.html_name)):
            shown.append(str(bound))
    return "".join(shown)


def check(bind: Bind, data: QueryDict, files: object, *, whole: str | None) -> None:
    """One example, in a savepoint rolled back (a sign-in that fails is logged; the next must not see it)."""
    reset_queries()  # the log keeps only its last 9,000 queries: a full log would capture nothing
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        form = bind(data, files)
        form.is_valid()
        misplaced = set(form.errors) - set(form.fields) - {NON_FIELD_ERRORS}
        assert not misplaced, f"errors at no field of the form: {misplaced}"
        html = render(form, data, whole=whole)
        transaction.set_rollback(True)
    assert MARKER not in html, "submitted markup came back unescaped"
    for leak in TEMPLATE_LEAKS:
        assert leak not in html, f"submitted text was rendered as a template ({leak!r} in the form)"
    written = {match[1] for query in queries if (match := WRITE.match(query["sql"]))}
    assert written <= SIGN_IN_LOG, f"validating the form wrote to {sorted(written - SIGN_IN_LOG)}"


@pytest.fixture
def form_world(fuzz_world: dict[str, object], physio_client: Client, front_desk_client: Client) -> World:
    return World.load(fuzz_world, physio=physio_client.user, front_desk=front_desk_client.user)


@pytest.mark.parametrize("form_class", sorted(BUILDERS, key=_name), ids=_name)
def test_a_form_refuses_hostile_data_without_error_echo_or_write(form_class: type, form_world: World) -> None:
    variants = BUILDERS[form_class](form_world)
    extra = {name: values(form_world) for (owner, name), values in EXTRA_NATURAL.items() if owner is form_class}
    world_ids = tuple(str(value) for value in form_world.ids.values() if isinstance(value, int))
    posts = [posted(plans(bind(None, None), extra), world_ids) for bind in variants]

    @FORM_SETTINGS
    @given(st.data())
    def example(draw: st.DataObject) -> None:
        index = draw.draw(st.integers(0, len(variants) - 1), label="variant")
        data, files = draw.draw(posts[index], label="post")
        note(f"data={ {name: [value[:80] for value in values] for name, values in data.lists()} } files={files}")
        check(variants[index], data, files, whole=whole_render(data))

    example()


class _Careless(forms.Form):
    """A form with each defect the tier is for, chosen by the `defect` field."""

    defect = forms.CharField()
    text = forms.CharField(required=False)

    def clean(self) -> dict[str, object]:
        defect = self.cleaned_data.get("defect")
        if defect == "write":
            User.objects.filter(pk=0).update(first_name="x")
        elif defect == "echo":
            raise forms.ValidationError(mark_safe(self.cleaned_data["text"]))
        elif defect == "misplaced":
            self.errors["ghost"] = self.error_class(["An error at no field."])
        elif defect == "raise":
            raise KeyError("text")
        return self.cleaned_data


@pytest.mark.parametrize(
    ("defect", "failure"),
    [
        ("write", "wrote to"),
        ("echo", "unescaped"),
        ("misplaced", "no field"),
        ("raise", "'text'"),
    ],
)
def test_each_defect_the_form_tier_is_for_fails_it(defect: str, failure: str) -> None:
    data = QueryDict(mutable=True)
    data.update({"defect": defect, "text": MARKER})
    with pytest.raises((AssertionError, KeyError), match=failure):
        check(lambda data, files: _Careless(data), data, None, whole=None)
    check(lambda data, files: _Careless(data), QueryDict("defect=none&text=fine"), None, whole="crispy")
