"""What a test reads from a rendered page, and the signed-in physiotherapist's browser that opens it."""

import html
import re
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory


class Row(list[str]):
    """A table row's cells as plain text; `attrs` are the attributes of its <tr>."""

    def __init__(self, attrs: dict[str, Any]) -> None:
        super().__init__()
        self.attrs = attrs


class Page(HTMLParser):
    """What a test reads from a page: forms, buttons, links, table rows as text, and each chart's dots."""

    def __init__(self, body: str) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.buttons: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.rows: list[Row] = []
        self.charts: list[dict[str, Any]] = []
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self._link: dict[str, Any] | None = None
        self.feed(body)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(attributes)
        elif tag == "button":
            self.buttons.append(attributes)
        elif tag == "a":
            self._link = {**attributes, "text": ""}
        elif tag == "tr":
            self._row = Row(attributes)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "svg":
            self.charts.append({"dots": [], "bands": 0})
        elif tag == "circle" and self.charts:
            self.charts[-1]["dots"].append(attributes.get("class", ""))
        elif tag == "rect" and self.charts and "chart-band" in (attributes.get("class") or ""):
            self.charts[-1]["bands"] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self._link["text"] = " ".join(self._link["text"].split())
            self.links.append(self._link)
            self._link = None
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link["text"] += data

    def actions(self) -> list[str]:
        return [form.get("action", "") for form in self.forms if form.get("method") == "post"]

    def hrefs(self) -> list[str]:
        return [link.get("href", "") for link in self.links]

    def posting_forms(self) -> list[dict[str, Any]]:
        """Forms that post somewhere other than the sign-out button of the navigation bar."""
        logout = reverse("accounts:logout")
        return [form for form in self.forms if form.get("method") == "post" and form.get("action") != logout]


def body_of(response: Any) -> str:
    return response.content.decode()


def shown(message: str, response: Any) -> bool:
    """The message is on the page, as the template escapes it."""
    return html.escape(message) in body_of(response) or message in body_of(response)


def field_error(response: Any, field: str, message: str) -> bool:
    """The message is rendered in the feedback element crispy ties to the field."""
    pattern = rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>{re.escape(html.escape(message))}</strong>'
    return re.search(pattern, body_of(response)) is not None


def physio_client_for(username: str) -> Client:
    client = Client()
    client.user = UserFactory(username=username, first_name="Daniel", roles=[Role.PHYSIOTHERAPIST])
    client.force_login(client.user)
    return client
