"""Every URL of the project answers each persona as the roles table says (the page-smoke test).

Later pages join PAGES; a URL pattern missing from it fails the completeness test, so no page
can be added without saying who may open it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.ims_clinic.page_table import ALL_PERSONAS, LINK, PAGES, TO_LOGIN, Page, project_url_names


def test_every_url_of_the_project_is_in_the_page_table() -> None:
    listed = {page.url_name for page in PAGES}
    missing = project_url_names() - listed
    assert not missing, f"Add these URLs to PAGES with the status each persona should get: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona_client", ALL_PERSONAS, indirect=True)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.url_name)
def test_each_page_answers_each_persona_as_the_roles_table_says(
    page: Page, persona_client: Client, world: dict[str, object], request: pytest.FixtureRequest
) -> None:
    persona = request.node.callspec.params["persona_client"]

    response = persona_client.get(page.url(world))

    assert response.status_code == page.expected_for(persona)
    start = reverse("questionnaire:start", kwargs={"token": world["token"]})
    if response.status_code == 302 and page.url_name.startswith("questionnaire:"):
        assert response["Location"].startswith(start) if persona == LINK else response["Location"] == start
    elif response.status_code == TO_LOGIN and persona in {"anonymous", LINK} and page.url_name != "accounts:logout":
        assert "login" in response["Location"]


@pytest.mark.django_db
def test_a_signed_in_user_without_a_role_gets_403_on_staff_pages() -> None:
    client = Client()
    client.force_login(UserFactory(username="no-role"))

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "This page is not open to your role" in response.content.decode()


@pytest.mark.django_db
def test_unknown_urls_and_debugging_paths_are_not_found(admin_client: Client) -> None:
    for probe in ("/no-such-page/", "/.git/config", "/admin/doc/", "/__debug__/"):
        assert admin_client.get(probe).status_code == 404
