"""Declared shapes of every JSON request body the engine reads, validated with pydantic.

Each route parses its body with :func:`parse` into one of the models below, so a value of the
wrong type never reaches a handler (where it used to raise and answer 500). A refusal names
the field and what is expected: ``output.resolution: input should be '1080p', '720p' or
'480p' (got [1])``. Unknown keys are allowed and ignored, as the contract's clients send
extras (ADK's ``streaming``, the CLI's ``codec``/``crf``). Pure data: no Starlette here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

#: Render ids: what clients generate (``render_<ms>_<hex>``, ``render_<uuid>``,
#: ``draft-cli-<ms>``): letters, digits, ``_`` and ``-``, 1-128 characters. Anything else
#: could not be polled again by URL (``/`` or a newline in a path), so it is refused.
RENDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
RENDER_ID_RE = re.compile(RENDER_ID_PATTERN)
RENDER_ID_RULE = "letters, digits, '_' and '-', 1 to 128 characters"

#: Longest value of free-text fields (task names, languages) the engine keeps.
MAX_TASK_NAME = 200
MAX_URLS = 20


class BodyError(ValueError):
    """A request body that does not fit its declared shape; ``str()`` is the user's message."""


class _Body(BaseModel):
    # extra keys pass (the contract's clients send more than we read); numbers given where a
    # string id is expected are read as text (session ids are numeric-looking strings)
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, populate_by_name=True)


# -- sessions, claims ---------------------------------------------------------------------------
LANGUAGE_PATTERN = r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,3}$"


class CreateSession(_Body):
    task_name: Annotated[str, Field(max_length=MAX_TASK_NAME)] | None = None
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)] | None = None


class ClaimToken(_Body):
    session_id: Annotated[str, Field(min_length=1, max_length=64)]
    task_id: Annotated[str, Field(max_length=64)] | None = None


# -- chat -----------------------------------------------------------------------------------------
class Part(_Body):
    text: str | None = None


class NewMessage(_Body):
    role: str | None = None
    parts: Annotated[list[Part], Field(max_length=100)] = []


class RunSse(_Body):
    app_name: str | None = None
    user_id: str | None = None
    session_id: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, validation_alias=AliasChoices("session_id", "sessionId")
    )
    new_message: NewMessage | None = Field(
        default=None, validation_alias=AliasChoices("new_message", "newMessage")
    )

    def text(self) -> str:
        """The message's text parts joined (what the agent reads), stripped."""
        parts = self.new_message.parts if self.new_message else []
        return "\n".join(p.text for p in parts if isinstance(p.text, str)).strip()


# -- uploads --------------------------------------------------------------------------------------
class UploadUrls(_Body):
    urls: Annotated[list[Annotated[str, Field(max_length=4096)]], Field(max_length=MAX_URLS)] = []
    url: Annotated[str, Field(max_length=4096)] | None = None
    source_type: str | None = None

    def all_urls(self) -> list[str]:
        return list(self.urls) or ([self.url] if self.url else [])


# -- render ---------------------------------------------------------------------------------------
def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Ms = Annotated[float, Field(ge=0)]


class Segment(_Body):
    """The segment keys the renderer reads as numbers or text (``schema.SEG_*``)."""

    st: Ms | None = None
    et: Ms | None = None
    so: Ms | None = None
    spd: Annotated[float, Field(gt=0)] | None = None
    vol: Annotated[float, Field(ge=0)] | None = None
    fi: Ms | None = None
    fo: Ms | None = None
    src: str | None = None
    txt: str | None = None
    fit: str | None = None
    sty: dict[str, Any] | None = None

    _finite = field_validator("st", "et", "so", "spd", "vol", "fi", "fo")(_finite)


class Track(_Body):
    tt: int | None = None
    k: str | None = None
    sg: list[Segment] | None = None
    mute: bool | None = None
    hid: bool | None = None


class Meta(_Body):
    width: Annotated[float, Field(gt=0)] | None = None
    height: Annotated[float, Field(gt=0)] | None = None
    fps: Annotated[float, Field(gt=0, le=240)] | None = None
    ratio: str | None = None

    _finite = field_validator("width", "height", "fps")(_finite)


class Draft(_Body):
    t: list[Track] = []
    d: Ms | None = None
    m: Meta | None = None

    _finite = field_validator("d")(_finite)


class Output(_Body):
    format: Literal["mp4"] | None = None
    quality: Literal["high", "medium", "low"] | None = None
    resolution: Literal["1080p", "720p", "480p"] | None = None


class RenderSubmit(_Body):
    id: Annotated[str, Field(pattern=RENDER_ID_PATTERN)] | None = None
    session_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, validation_alias=AliasChoices("sessionId", "session_id")
    )
    draft: Draft | None = None
    output: Output | None = None

    @field_validator("draft", mode="before")
    @classmethod
    def _draft_text(cls, value: Any) -> Any:
        # some clients send the draft as a JSON string; read it as the object it holds
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError("must be the draft object (data.state.draft)") from None
        return value


class SetCredits(_Body):
    user_id: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Annotated[int, Field(ge=-(10**9), le=10**9)]


class FaultActions(_Body):
    """The one-shot actions of ``POST /_faults`` (the settings are checked by ``Faults``)."""

    set_credits: SetCredits | None = None
    expire_tokens: bool | str | None = None
    forget_session: bool | str | None = None


# -- parsing ---------------------------------------------------------------------------------------
def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: What is expected of fields whose rule is a pattern (pydantic would show the regex).
_RULES = {
    ("id",): RENDER_ID_RULE,
    ("language",): "a language code like 'en' or 'zh-CN'",
}


def describe(exc: ValidationError, limit: int = 3) -> str:
    """One sentence per problem (at most ``limit``): field, what is expected, what came."""
    parts = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "string_pattern_mismatch" and loc in _RULES:
            msg = f"use {_RULES[loc]}"
        else:
            msg = str(err.get("msg", "is not valid"))
            msg = re.sub(r" or instance of \w+", "", msg)
            msg = (msg[:1].lower() + msg[1:]).removeprefix("value error, ")
        got = f" (got {_shown(err['input'])})" if err.get("type") != "missing" else ""
        parts.append(f"{_where(loc)}: {msg}{got}")
    more = len(errors) - limit
    tail = f" (and {more} more)" if more > 0 else ""
    return "; ".join(parts) + tail


def load_object(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object; an empty body is ``{}``.

    Raises
    ------
    BodyError
        Not JSON, or JSON that is not an object.
    """
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BodyError(f"The request body is not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise BodyError("The request body must be a JSON object.")
    return data


def validate(model: type[_Body], data: dict[str, Any]) -> Any:
    """``data`` as ``model``; :class:`BodyError` names each field of the wrong shape."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BodyError(f"The request body does not fit: {describe(exc)}.") from None


def parse(model: type[_Body], raw: bytes) -> Any:
    """:func:`load_object` then :func:`validate`."""
    return validate(model, load_object(raw))


def check_render_id(render_id: str) -> str | None:
    """None when ``render_id`` follows :data:`RENDER_ID_RULE`, else the reason it does not."""
    if RENDER_ID_RE.match(render_id):
        return None
    return f"Render id {_shown(render_id)} is not valid: use {RENDER_ID_RULE}."


__all__ = [
    "RENDER_ID_RULE",
    "BodyError",
    "ClaimToken",
    "CreateSession",
    "Draft",
    "FaultActions",
    "RenderSubmit",
    "RunSse",
    "UploadUrls",
    "check_render_id",
    "describe",
    "load_object",
    "parse",
    "validate",
]
