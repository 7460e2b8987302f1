"""The pain map: the body diagram over the "where it hurts" checkboxes, and its read-only drawing of an answer."""

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.http import QueryDict

from patients import pain_map
from patients.models import REGION_LABELS


class Drawing(HTMLParser):
    """The shapes and checkboxes of the rendered map, and whether the diagram starts hidden."""

    def __init__(self, body: str) -> None:
        super().__init__()
        self.shapes: list[dict[str, Any]] = []
        self.boxes: list[dict[str, Any]] = []
        self.figure: dict[str, Any] | None = None
        self.svg: dict[str, Any] | None = None
        self.feed(body)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "path" and "pain-map-region" in (attributes.get("class") or ""):
            self.shapes.append(attributes)
        elif tag == "input" and attributes.get("type") == "checkbox":
            self.boxes.append(attributes)
        elif tag == "div" and "data-pain-map-figure" in attributes:
            self.figure = attributes
        elif tag == "svg" and self.svg is None:
            self.svg = attributes

    def marked(self) -> set[tuple[str, str]]:
        return {
            (shape["data-region"], shape["data-side"])
            for shape in self.shapes
            if "is-marked" in shape["class"].split()
        }

    def toggles(self) -> list[dict[str, Any]]:
        return [shape for shape in self.shapes if shape.get("role") == "checkbox"]

    def checked(self, name: str = "where") -> list[str]:
        return [box["value"] for box in self.boxes if "checked" in box and box["name"] == name]


class WhereForm(forms.Form):
    where = forms.MultipleChoiceField(choices=pain_map.CHOICES, widget=pain_map.PainMapWidget(), required=False)


def test_every_coded_region_has_a_left_a_right_and_a_both_sides_choice() -> None:
    assert [value for value, _ in pain_map.CHOICES] == [
        f"{region}:{side}" for region in REGION_LABELS for side in ("L", "R", "B")
    ]
    assert dict(pain_map.CHOICES)["lumbosacral:B"] == "Lower back, both sides"
    assert set(pain_map.REGION_NAMES) == set(REGION_LABELS)


def test_the_widget_renders_a_checkbox_per_choice_and_a_labelled_toggle_per_half_of_each_region() -> None:
    drawing = Drawing(str(WhereForm(initial={"where": ["lumbosacral:B", "upper_limb:R"]})["where"]))

    assert [box["value"] for box in drawing.boxes] == [value for value, _ in pain_map.CHOICES]
    assert all(box["name"] == "where" for box in drawing.boxes)
    assert set(drawing.checked()) == {"lumbosacral:B", "upper_limb:R"}
    assert drawing.figure is not None and "hidden" in drawing.figure  # shown by the script, the list without it
    toggles = drawing.toggles()
    assert len(toggles) == 2 * len(REGION_LABELS)
    assert all(toggle["tabindex"] == "0" for toggle in toggles)
    names = {toggle["aria-label"]: toggle["aria-checked"] for toggle in toggles}
    assert names["Lower back, left"] == names["Lower back, right"] == "true"
    assert names["Arm (shoulder to hand), right"] == "true"
    assert names["Arm (shoulder to hand), left"] == names["Head and neck, left"] == "false"
    assert drawing.marked() == {("lumbosacral", "L"), ("lumbosacral", "R"), ("upper_limb", "R")}


def test_each_half_is_one_tab_stop_even_where_both_views_draw_it() -> None:
    drawing = Drawing(str(WhereForm()["where"]))

    arms = [shape for shape in drawing.shapes if shape["data-region"] == "upper_limb" and shape["data-side"] == "R"]
    assert len(arms) == 2  # the front and the back
    assert sum(1 for arm in arms if arm.get("role") == "checkbox") == 1
    assert len({toggle["aria-label"] for toggle in drawing.toggles()}) == len(drawing.toggles())


def test_the_values_round_trip_through_the_form() -> None:
    data = QueryDict(mutable=True)
    data.setlist("where", ["lumbosacral:B", "buttock:L"])

    form = WhereForm(data)

    assert form.is_valid()
    assert form.cleaned_data["where"] == ["lumbosacral:B", "buttock:L"]
    regions = pain_map.as_regions(form.cleaned_data["where"])
    assert regions == [{"region": "lumbosacral", "side": "B"}, {"region": "buttock", "side": "L"}]
    again = Drawing(str(WhereForm(initial={"where": pain_map.as_values(regions)})["where"]))
    assert set(again.checked()) == {"lumbosacral:B", "buttock:L"}
    bound_again = Drawing(str(form["where"]))
    assert set(bound_again.checked()) == {"lumbosacral:B", "buttock:L"}


def test_nothing_ticked_is_an_answer_of_no_region_and_a_made_up_code_is_refused() -> None:
    empty = WhereForm(QueryDict())
    assert empty.is_valid() and empty.cleaned_data == {"where": []}

    forged = QueryDict(mutable=True)
    forged.setlist("where", ["spleen:L"])
    form = WhereForm(forged)
    assert not form.is_valid() and "where" in form.errors


def test_the_legend_names_the_group_and_no_label_points_at_one_box_alone() -> None:
    bound = WhereForm()["where"]

    assert bound.use_fieldset
    assert bound.id_for_label == ""


def test_the_list_folds_away_on_a_phone_page_and_stays_open_where_asked() -> None:
    assert "data-fold-list" in str(WhereForm()["where"])
    open_list = pain_map.PainMapWidget(list_open=True, choices=pain_map.CHOICES)
    assert "data-fold-list" not in open_list.render("where", [])


@pytest.mark.parametrize(
    ("stored", "marked"),
    [
        ([{"region": "lumbosacral", "side": "B"}], {("lumbosacral", "L"), ("lumbosacral", "R")}),
        ([{"region": "head_neck", "side": "R"}], {("head_neck", "R")}),
        (
            [{"region": "upper_limb", "side": "L"}, {"region": "buttock", "side": "R"}],
            {("upper_limb", "L"), ("buttock", "R")},
        ),
        ([], set()),
        (None, set()),
    ],
)
def test_the_read_only_map_marks_the_shapes_of_the_stored_regions(
    stored: list[dict[str, str]] | None, marked: set[tuple[str, str]]
) -> None:
    drawing = Drawing(pain_map.render_readonly(stored))

    assert drawing.marked() == marked
    assert drawing.toggles() == [] and drawing.boxes == []
    assert drawing.svg is not None and drawing.svg["role"] == "img"


def test_a_region_drawn_front_and_back_is_marked_in_both_views() -> None:
    drawing = Drawing(pain_map.render_readonly([{"region": "upper_limb", "side": "R"}]))

    marked = [shape for shape in drawing.shapes if "is-marked" in shape["class"]]
    assert len(marked) == 2 and all(shape["fill"].startswith("url(#") for shape in marked)


def test_the_read_only_map_names_what_it_marks_and_ignores_an_unknown_region() -> None:
    drawing = Drawing(
        pain_map.render_readonly([{"region": "lumbosacral", "side": "B"}, {"region": "retired_code", "side": "L"}])
    )

    assert drawing.svg is not None
    assert drawing.svg["aria-label"] == "Body diagram, front and back. Where it hurts: Lower back, both sides."
    assert drawing.marked() == {("lumbosacral", "L"), ("lumbosacral", "R")}
    nothing = Drawing(pain_map.render_readonly([]))
    assert nothing.svg is not None and nothing.svg["aria-label"] == "Body diagram, front and back. Nothing marked."


def test_two_maps_on_one_page_have_their_own_hatch() -> None:
    first, second = pain_map.render_readonly([]), pain_map.render_readonly([])

    assert first.split('pattern id="')[1].split('"')[0] != second.split('pattern id="')[1].split('"')[0]


def test_the_drawing_carries_its_own_colours_for_print_without_the_stylesheet() -> None:
    drawing = Drawing(pain_map.render_readonly([{"region": "chest", "side": "L"}]))

    for shape in drawing.shapes:
        assert shape["stroke"] and shape["fill"]
        if (shape["data-region"], shape["data-side"]) == ("chest", "L"):
            assert shape["stroke"] == "#58151c" and shape["fill"].startswith("url(#")
        else:
            assert shape["fill"] == "#ffffff"
