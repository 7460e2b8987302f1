"""Posted data for a form class, drawn from the form's own fields.

Each field gets what its page would send (one of its choices, its initial value, a number in its range, a date the
clinic means, a CSV file), or a hostile value from tests/fuzz/hostile.py (a novel, NUL, right-to-left text, numbers
and dates out of any range, markup with the MARKER, template syntax, other objects' ids and ids that do not exist),
or it is left out, or sent two or three times. An example is either gentle (most fields natural, so the form's
cross-field rules are reached) or rough (most fields hostile).
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

from tests.fuzz.hostile import HOSTILE_TEXT, MISSING, MISSING_IDS, csv_files, field_value, hostile_value

# Values a person types into a field of each kind, beyond its choices and initial value.
NATURAL_BY_KIND: tuple[tuple[type[forms.Field], tuple[str, ...]], ...] = (
    (forms.BooleanField, ("on", "", "true", "false")),
    (forms.UUIDField, ("2f4a9c2e-7d1b-4c55-9a8e-1c2d3e4f5a6b",)),
    (forms.EmailField, ("fuzz@example.org",)),
    (forms.DateTimeField, ("2027-01-15T10:00", "2027-01-15 10:00", "2100-12-31T23:55", "1900-01-01T00:00")),
    (forms.DateField, ("1990-01-01", "1900-01-01", "2100-12-31")),
    (forms.TimeField, ("09:00", "17:30", "00:00", "23:59")),
    (forms.IntegerField, ("1", "5", "30")),
    (forms.FloatField, ("0", "12.5", "50")),
    (forms.DecimalField, ("0.25", "30")),
    (forms.CharField, ("Fuzz text", "Anne-Marie O'Neil", "604-555-0199", "V5K 0A1")),
)


# Names no form of the apps posts, which a script might add.
STRAY = ("id", "pk", "user", "is_staff", "signed_at", "fz")


@dataclass(frozen=True)
class FieldPlan:
    name: str  # as posted (with the form's prefix)
    natural: tuple[str, ...]
    multiple: bool
    is_file: bool


def _flat_choices(field: forms.Field) -> list[str]:
    values: list[str] = []
    for value, label in getattr(field, "choices", None) or ():
        if isinstance(label, list | tuple):  # an option group
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append(str(value))
    return [value for value in values if value != ""]


def _in_range(field: forms.Field) -> tuple[str, ...]:
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    step = getattr(field, "step_size", None)
    values = [value for value in (low, high) if value is not None]
    if low is not None and high is not None:
        middle = (low + high) // 2
        values.append(middle - middle % step if step else middle)
    return tuple(str(value) for value in values)


def _natural(field: forms.Field, initial: object) -> tuple[str, ...]:
    values = _flat_choices(field)
    if isinstance(initial, list | tuple):
        values.extend(str(item) for item in initial)
    elif initial not in (None, ""):
        values.append(str(initial))
    values.extend(_in_range(field))
    if isinstance(field, forms.DateField):
        today = timezone.localdate()
        values += [today.isoformat(), (today + timedelta(days=30)).isoformat()]
    if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        for kind, typed in NATURAL_BY_KIND:
            if isinstance(field, kind):
                values.extend(typed)
                break
    return tuple(dict.fromkeys(values))


def plans(form: forms.BaseForm, extra: dict[str, tuple[str, ...]]) -> list[FieldPlan]:
    """What to post for each field of an unbound form (its choices and initial values are read once)."""
    found = []
    for bound in form:
        field = bound.field
        natural = _natural(field, bound.value()) + extra.get(bound.name, ())
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        found.append(FieldPlan(bound.html_name, natural, multiple, isinstance(field, forms.FileField)))
    return found


def _value(plan: FieldPlan, world_ids: tuple[str, ...], *, gentle: bool) -> st.SearchStrategy:
    """One field's value. Most draws are one pick from a pool of the field's natural values and the hostile ones
    (what makes an example cheap); the others are free text, a number of any size, or the value sent repeatedly."""
    if plan.is_file:
        return st.one_of(csv_files(), csv_files(), field_value((), world_ids))
    hostile = (*HOSTILE_TEXT, *MISSING_IDS, *world_ids, MISSING, MISSING)
    natural = plan.natural or ("",)
    # Gentle: about four natural values in five; rough: about one in four.
    share = 4 if gentle else 1 / 3
    pool = st.sampled_from(natural * max(1, round(share * len(hostile) / len(natural))) + hostile)
    single = st.sampled_from(natural + hostile[:-2])
    others = [
        st.lists(single, min_size=2, max_size=3),
        st.text(st.characters(codec="utf-8"), max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ]
    if plan.multiple and len(natural) > 1:
        others.append(st.lists(st.sampled_from(natural), min_size=2, max_size=min(4, len(natural)), unique=True))
    return st.one_of(*([pool] * 12), *others)


def posted(plans: list[FieldPlan], world_ids: tuple[str, ...]) -> st.SearchStrategy[tuple[QueryDict, MultiValueDict]]:
    """Posts for a form: its data as a QueryDict (fields missing or repeated) and its files. The strategies are
    built once per form: building them is slower than drawing from them."""
    gentle = {plan.name: _value(plan, world_ids, gentle=True) for plan in plans}
    rough = {plan.name: _value(plan, world_ids, gentle=False) for plan in plans}
    names = [name for name in STRAY if name not in gentle]
    stray = st.dictionaries(st.sampled_from(names), hostile_value(world_ids), max_size=2)

    @st.composite
    def post(draw: st.DrawFn) -> tuple[QueryDict, MultiValueDict]:
        values = gentle if draw(st.booleans(), label="gentle") else rough
        data, files = QueryDict(mutable=True), MultiValueDict()
        for name, strategy in values.items():
            value = draw(strategy, label=name)
            if value is MISSING:
                continue
            items = value if isinstance(value, list) else [value]
            texts = [item for item in items if isinstance(item, str)]
            uploads = [item for item in items if not isinstance(item, str)]
            if texts:
                data.setlist(name, texts)
            if uploads:
                files.setlist(name, uploads)
        data.update(draw(stray, label="stray fields"))
        return data, files

    return post()
