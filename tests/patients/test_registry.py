"""The registry: one search box, pages, archived patients only on request, a fixed query count."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from patients import services, views
from tests.factories import PatientFactory

REGISTRY = reverse("patients:patient-list")


@pytest.fixture
def chloe(db: None) -> object:
    return PatientFactory(
        given_name="Chloé", family_name="Tremblay-Côté", date_of_birth=date(1984, 3, 12), phone="604-555-0134"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["chloe", "CHLOÉ", "trem", "côté", "cote tremblay", "tremblay chlo", "  Chloe   Tremblay ", "TREMBLAY-COTE"],
)
def test_search_finds_by_any_part_of_a_name_in_any_order_ignoring_case_and_accents(chloe: object, typed: str) -> None:
    PatientFactory(given_name="Marc", family_name="Dubois", date_of_birth=date(1990, 1, 1))

    assert list(services.patient_search(text=typed)) == [chloe]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["1984-03-12", "12/03/1984", "03/12/1984", "12 Mar 1984", "March 12, 1984", "19840312"]
)
def test_search_finds_by_date_of_birth_typed_several_ways(chloe: object, typed: str) -> None:
    PatientFactory(given_name="Marc", family_name="Dubois", date_of_birth=date(1984, 3, 13))

    assert list(services.patient_search(text=typed)) == [chloe]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["604-555-0134", "6045550134", "(604) 555 0134", "0134", "555-0134"])
def test_search_finds_by_phone_digits(chloe: object, typed: str) -> None:
    PatientFactory(given_name="Marc", family_name="Dubois", phone="778-555-0199")

    assert list(services.patient_search(text=typed)) == [chloe]


@pytest.mark.django_db
def test_a_name_that_matches_nobody_finds_nobody(chloe: object) -> None:
    assert not services.patient_search(text="chloe dubois").exists()


@pytest.mark.django_db
def test_archived_patients_appear_only_on_request(chloe: object, front_desk_client: Client) -> None:
    services.patient_archive(patient=chloe, archived_by=front_desk_client.user)

    assert "Tremblay-Côté" not in front_desk_client.get(REGISTRY, {"q": "chloe"}).content.decode()
    shown = front_desk_client.get(REGISTRY, {"q": "chloe", "archived": "on"}).content.decode()
    assert "Tremblay-Côté" in shown
    assert "Archived" in shown


@pytest.mark.django_db
def test_the_registry_lists_patients_in_name_order_a_page_at_a_time(front_desk_client: Client) -> None:
    for index in range(30):
        PatientFactory(family_name=f"Family{index:02d}", given_name="Pat")

    first = front_desk_client.get(REGISTRY)
    second = front_desk_client.get(REGISTRY, {"page": 2})

    assert [p.family_name for p in first.context["page"].object_list][:2] == ["Family00", "Family01"]
    assert len(first.context["page"].object_list) == 25
    assert [p.family_name for p in second.context["page"].object_list] == [f"Family{i}" for i in range(25, 30)]
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "9" * 50])
def test_a_bad_page_number_shows_a_page_never_an_error(front_desk_client: Client, page: str) -> None:
    PatientFactory()

    response = front_desk_client.get(REGISTRY, {"page": page})

    assert response.status_code == 200


@pytest.mark.django_db
def test_an_overlong_search_is_answered_at_the_field(front_desk_client: Client) -> None:
    response = front_desk_client.get(REGISTRY, {"q": "x" * 500})

    assert response.status_code == 200
    assert response.context["form"].errors["q"] == ["Ensure this value has at most 100 characters (it has 500)."]


@pytest.mark.django_db
def test_a_search_with_no_match_offers_registration(front_desk_client: Client) -> None:
    body = front_desk_client.get(REGISTRY, {"q": "nobody-like-this"}).content.decode()

    assert "No patient matches “nobody-like-this”" in body
    assert reverse("patients:patient-create") in body


@pytest.mark.django_db
def test_an_htmx_search_answers_with_the_rows_only(chloe: object, front_desk_client: Client) -> None:
    response = front_desk_client.get(REGISTRY, {"q": "chloe"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "Tremblay-Côté" in body
    assert "<html" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("search", ["", "chloe", "1984-03-12", "604555"])
def test_the_registry_query_count_does_not_grow_with_the_data(
    front_desk_client: Client, search: str, django_assert_max_num_queries: object
) -> None:
    PatientFactory.create_batch(3)
    front_desk_client.get(REGISTRY, {"q": search})
    with django_assert_max_num_queries(8) as few:
        front_desk_client.get(REGISTRY, {"q": search})
    PatientFactory.create_batch(60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        front_desk_client.get(REGISTRY, {"q": search})


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry counts at most 5 matches, 2 to a page (500 and 25 in the clinic)."""
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


@pytest.mark.django_db
def test_a_broad_search_says_there_are_more_than_the_cap_and_asks_to_refine_it(
    small_cap: None, front_desk_client: Client
) -> None:
    for index in range(7):
        PatientFactory(family_name=f"Family{index}", given_name="Pat")

    body = front_desk_client.get(REGISTRY, {"q": "pat"}).content.decode()

    assert "5+ patients found for “pat”: refine the search (only the first 5 are listed)." in body
    assert "7 patients" not in body
    assert "Page 1 of 3" in body


@pytest.mark.django_db
def test_the_pages_of_a_capped_search_go_through_the_first_matches_and_stop_there(
    small_cap: None, front_desk_client: Client
) -> None:
    for index in range(7):
        PatientFactory(family_name=f"Family{index}", given_name="Pat")

    pages = [front_desk_client.get(REGISTRY, {"q": "pat", "page": number}) for number in (1, 2, 3, 4)]

    names = [[p.family_name for p in page.context["page"].object_list] for page in pages]
    assert names == [["Family0", "Family1"], ["Family2", "Family3"], ["Family4"], ["Family4"]]
    assert "Page 3 of 3" in pages[2].content.decode()


@pytest.mark.django_db
def test_a_search_with_exactly_the_cap_of_matches_shows_the_exact_count(
    small_cap: None, front_desk_client: Client
) -> None:
    for index in range(5):
        PatientFactory(family_name=f"Family{index}", given_name="Pat")

    body = front_desk_client.get(REGISTRY, {"q": "pat"}).content.decode()

    assert "5 patients found for “pat”." in body
    assert "refine the search" not in body


@pytest.mark.django_db
def test_the_registry_without_a_search_caps_its_count_too(small_cap: None, front_desk_client: Client) -> None:
    PatientFactory.create_batch(6)

    body = front_desk_client.get(REGISTRY).content.decode()

    assert "5+ patients: refine the search (only the first 5 are listed)." in body


@pytest.mark.django_db
def test_a_capped_search_keeps_the_registry_query_count(
    small_cap: None, front_desk_client: Client, django_assert_max_num_queries: object
) -> None:
    PatientFactory.create_batch(3, given_name="Pat")
    front_desk_client.get(REGISTRY, {"q": "pat"})
    with django_assert_max_num_queries(8) as few:
        front_desk_client.get(REGISTRY, {"q": "pat"})
    PatientFactory.create_batch(60, given_name="Pat")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = front_desk_client.get(REGISTRY, {"q": "pat"})
    assert "5+ patients" in response.content.decode()


@pytest.mark.django_db
def test_the_pages_of_a_search_within_the_cap_are_in_name_order(small_cap: None, front_desk_client: Client) -> None:
    for index in reversed(range(4)):  # registered in the opposite order to the names
        PatientFactory(family_name=f"Family{index}", given_name="Pat")
    PatientFactory(family_name="Other", given_name="Someone")

    pages = [front_desk_client.get(REGISTRY, {"q": "pat", "page": number}) for number in (1, 2)]

    names = [[p.family_name for p in page.context["page"].object_list] for page in pages]
    assert names == [["Family0", "Family1"], ["Family2", "Family3"]]
    assert "4 patients found for “pat”." in pages[0].content.decode()
