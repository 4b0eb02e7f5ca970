"""Path templates of google.api.http: the grammar, and matching raw request paths."""

from __future__ import annotations

import pytest

from clarion.gateway.templates import SegmentKind, TemplateError, parse_template


def test_parses_literals_variables_and_verb() -> None:
    template = parse_template("/v1/{name=apps/*/devices/*}:unregister")
    assert [str(s) for s in template.segments] == ["v1", "apps", "*", "devices", "*"]
    assert template.verb == "unregister"
    (variable,) = template.variables
    assert (variable.field_path, variable.start, variable.end) == ("name", 1, 5)
    assert template.literal_count == 3


def test_a_bare_variable_is_one_segment() -> None:
    template = parse_template("/v1/things/{id}")
    assert template.segments[-1].kind is SegmentKind.SINGLE
    assert template.match("/v1/things/42") == {"id": "42"}


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/v1/{name=apps/*}", "/v1/apps/a", {"name": "apps/a"}),
        ("/v1/{name=apps/*}", "/v1/apps", None),
        ("/v1/{name=apps/*}", "/v1/apps/a/b", None),
        ("/v1/{name=apps/*}", "/v1/apps/", None),
        ("/v1/apps", "/v1/apps", {}),
        ("/v1/{parent=apps/*}/devices", "/v1/apps/a/devices", {"parent": "apps/a"}),
        (
            "/v1/{parent=apps/*}/devices:register",
            "/v1/apps/a/devices:register",
            {"parent": "apps/a"},
        ),
        ("/v1/{parent=apps/*}/devices:register", "/v1/apps/a/devices", None),
        ("/v1/{parent=apps/*}/devices:register", "/v1/apps/a/devices:purge", None),
        (
            "/v1/{device.name=apps/*/installs/*}",
            "/v1/apps/a/installs/i-1",
            {"device.name": "apps/a/installs/i-1"},
        ),
        (
            "/v1/{name=apps/*/devices/*}:cancel",
            "/v1/apps/a/devices/d:x:cancel",
            {"name": "apps/a/devices/d:x"},
        ),
        # Segments are decoded one by one, but an encoded slash never becomes a separator.
        ("/v1/{name=apps/*}", "/v1/apps/a%2Fb", {"name": "apps/a%2Fb"}),
        ("/v1/{name=apps/*}", "/v1/apps/a%2fb%20c", {"name": "apps/a%2Fb c"}),
        ("/v1/{name=apps/*}", "/v1/ap%70s/a", {"name": "apps/a"}),
        ("/v1/{name=apps/*}", "/v1/apps/caf%C3%A9", {"name": "apps/café"}),
        ("/v1/{name=files/**}", "/v1/files/a/b/c", {"name": "files/a/b/c"}),
        ("/v1/{name=files/**}", "/v1/files", {"name": "files"}),
        ("/v1/{name=files/**}:get", "/v1/files/a/b:get", {"name": "files/a/b"}),
        ("/v1/{a}/{b}", "/v1/x/y", {"a": "x", "b": "y"}),
    ],
)
def test_match(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert parse_template(template).match(path) == expected


@pytest.mark.parametrize(
    "source",
    [
        "v1/apps",
        "/v1/{name=apps/*",
        "/v1/{name={x}}",
        "/v1/{1name}",
        "/v1/{a}/{a}",
        "/v1/**/x",
        "/v1/{a=**}/{b=**}",
        "/v1//apps",
        "/v1/apps:",
        "/v1/ap*ps",
    ],
)
def test_rejects_malformed_templates(source: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(source)
