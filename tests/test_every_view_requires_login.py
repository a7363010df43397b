"""Deny by default: every URL of the project refuses an anonymous visitor,
except the few that are open by design."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

OPEN_BY_DESIGN = {"login", "healthz", "set_language", "admin:login", "admin:logout"}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else None, prefix + str(p.pattern)


def _concrete(route: str) -> str:
    import re

    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<int:\w+>|<path:\w+>|<str:\w+>|<slug:\w+>|<\w+>", "1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route


ROUTES = [(name, route) for name, route in _walk(get_resolver().url_patterns)]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[r for _, r in ROUTES])
def test_anonymous_is_refused_everywhere_but_open_pages(client, name, route):
    url = _concrete(route)
    response = client.get(url)
    if name in OPEN_BY_DESIGN:
        assert response.status_code < 500
        return
    # Django admin's own pages send anonymous users to the admin login.
    assert response.status_code in (302, 404), (url, response.status_code)
    if response.status_code == 302:
        assert "login" in response["Location"], (url, response["Location"])
