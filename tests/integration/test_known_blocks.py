"""`{% extends %}` keeps the parent's blocks (backcore/templatetags/known_blocks.py) and draws
exactly what Django's tag draws: nested extends, block.super, blocks only the root has."""

from django.template import Context, Engine, engines
from django.template.loaders.locmem import Loader as LocMemLoader  # noqa: F401

from backcore.templatetags.known_blocks import KnownBlocksExtendsNode

TEMPLATES = {
    "root.html": "<h1>{% block title %}Root{% endblock %}</h1>"
    "{% block body %}root body{% endblock %}{% block footer %}root foot{% endblock %}",
    "middle.html": "{% extends 'root.html' %}{% block title %}Middle/{{ block.super }}"
    "{% endblock %}{% block body %}middle {% block inner %}inner{% endblock %}{% endblock %}",
    "leaf.html": "{% extends 'middle.html' %}{% block inner %}leaf+{{ block.super }}"
    "{% endblock %}{% block footer %}{{ who }}{% endblock %}",
}


def _engines():
    loaders = [
        (
            "django.template.loaders.cached.Loader",
            [("django.template.loaders.locmem.Loader", TEMPLATES)],
        )
    ]
    ours = Engine(loaders=loaders, builtins=["backcore.templatetags.known_blocks"])
    djangos = Engine(loaders=loaders)
    return ours, djangos


def test_the_same_page_as_djangos_extends_every_time():
    ours, djangos = _engines()
    for name in TEMPLATES:
        for who in ("Ann", "Bo"):
            expected = djangos.get_template(name).render(Context({"who": who}))
            assert ours.get_template(name).render(Context({"who": who})) == expected
    leaf = ours.get_template("leaf.html")
    assert isinstance(leaf.nodelist[0], KnownBlocksExtendsNode)
    assert leaf.render(Context({"who": "Cy"})) == ("<h1>Middle/Root</h1>middle leaf+innerCy")


def test_the_site_uses_it_and_its_pages_still_draw():
    template = engines["django"].from_string(
        "{% extends 'base.html' %}{% block content %}x{% endblock %}"
    )
    assert isinstance(template.template.nodelist[0], KnownBlocksExtendsNode)
    html = template.render({})
    assert "<main" in html and ">x" in html.replace("\n", "").replace(" ", "")
