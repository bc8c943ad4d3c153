"""The widgets' contract with the session: ``Session`` and the test double both implement it."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

from nemo_widgets.session import Session
from nemo_widgets.widgets._protocol import SessionLike

try:
    from .fakes import FakeSession
except ImportError:  # tests/widgets is not a package
    from fakes import FakeSession

#: Members the protocol declares (methods, properties and attributes), read from the class.
MEMBERS = sorted(
    name for name in {*vars(SessionLike), *SessionLike.__annotations__} if not name.startswith("_")
)


def _params(fn: Any) -> list[tuple[str, Any, bool]]:
    """(name, kind, has a default) of each parameter after ``self``."""
    sig = inspect.signature(fn)
    return [
        (p.name, p.kind, p.default is not inspect.Parameter.empty)
        for p in list(sig.parameters.values())[1:]
    ]


def test_the_protocol_names_what_the_widgets_use() -> None:
    assert {"draft", "uploads", "render_jobs", "observe", "astate", "state", "aupload"} <= set(
        MEMBERS
    )
    assert {"achat", "aexport", "backend", "session_id", "skill"} <= set(MEMBERS)


@pytest.mark.parametrize("impl", [Session, FakeSession], ids=["Session", "FakeSession"])
@pytest.mark.parametrize("name", MEMBERS)
def test_implementation_matches_the_protocol(impl: type, name: str) -> None:
    declared = inspect.getattr_static(SessionLike, name, None)
    if declared is None:  # an annotated attribute: set on instances, annotated on the class
        annotations: dict[str, Any] = {}
        for klass in reversed(impl.__mro__):
            annotations.update(getattr(klass, "__annotations__", {}))
        source = inspect.getsource(impl)
        assigned = re.search(rf"self\.{name}\s*[:=]", source)
        assert name in annotations or assigned or name in vars(impl), name
        return
    actual = inspect.getattr_static(impl, name, None)
    assert actual is not None, f"{impl.__name__} has no {name}"
    if isinstance(declared, property):
        assert isinstance(actual, property), f"{impl.__name__}.{name} should be a property"
        return
    assert inspect.iscoroutinefunction(actual) == inspect.iscoroutinefunction(declared), name
    want, got = _params(declared), _params(actual)
    # Every parameter the widgets may pass is accepted under the same name and kind; an
    # implementation may take more, as long as they have defaults.
    got_by_name = {n: (k, d) for n, k, d in got}
    for pname, kind, has_default in want:
        if kind is inspect.Parameter.VAR_POSITIONAL:
            assert any(k is kind for _, k, _ in got), f"{impl.__name__}.{name}(*{pname})"
            continue
        assert pname in got_by_name, f"{impl.__name__}.{name} lacks {pname!r}"
        assert got_by_name[pname][0] is kind, f"{impl.__name__}.{name}({pname}) kind"
        if has_default:
            assert got_by_name[pname][1], f"{impl.__name__}.{name}({pname}) needs a default"
    extra = [n for n, k, d in got if n not in {w[0] for w in want} and not d]
    extra = [
        n
        for n in extra
        if got_by_name[n][0]
        not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    assert not extra, f"{impl.__name__}.{name} requires {extra} the widgets never pass"


def test_runtime_check_accepts_the_double() -> None:
    assert isinstance(FakeSession(), SessionLike)
