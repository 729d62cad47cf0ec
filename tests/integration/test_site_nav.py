"""The header's links come from URL names, and the section a page is in is marked current."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _current(html: str) -> list[str]:
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_the_section_of_the_page_is_current(client):
    assert _current(client.get(reverse("exercises:list")).content.decode()) == [
        reverse("exercises:list")
    ]
    assert _current(client.get(reverse("programs:learn")).content.decode()) == [
        reverse("programs:learn")
    ]
    assert _current(client.get(reverse("landing")).content.decode()) == []
