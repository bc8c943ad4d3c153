"""Every documented envelope and every error code, keyed on the body code first."""

from __future__ import annotations

import pytest

from nemo_widgets.api import envelopes
from nemo_widgets.api import errors as E


@pytest.mark.parametrize(
    ("status", "body", "data"),
    [
        (200, {"code": 0, "message": "ok", "data": {"a": 1}}, {"a": 1}),
        (200, {"code": 0, "msg": "ok", "data": {"a": 1}}, {"a": 1}),
        (200, {"success": True, "data": {"a": 1}}, {"a": 1}),
        (200, {"a": 1}, {"a": 1}),  # bare body
        (200, [1, 2], [1, 2]),
        (201, {"success": True, "status": "pending"}, {"success": True, "status": "pending"}),
    ],
)
def test_success_shapes(status, body, data):
    assert envelopes.unwrap(status, body) == data


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (401, {"code": 1001, "message": "expired"}, E.TokenExpiredError),
        (200, {"code": 1001, "message": "expired"}, E.TokenExpiredError),  # code over status
        (404, {"code": 1002, "msg": "Session not found"}, E.SessionNotFoundError),
        (200, {"code": "1002", "msg": "Session not found"}, E.SessionNotFoundError),
        (402, {"code": 2001, "message": "no credits"}, E.OutOfCreditsError),
        (415, {"code": 4001, "message": "bad type"}, E.UnsupportedFileError),
        (413, {"code": 4002, "message": "too big"}, E.FileTooLargeError),
        (402, {"success": False, "error": "plan"}, E.ExportBlockedError),  # 402 is not 2001
        (402, {"detail": "Payment Required"}, E.ExportBlockedError),
        (429, {"detail": "Too Many Requests"}, E.RateLimitedError),
        (404, {"detail": "Session not found"}, E.SessionNotFoundError),  # ADK's own 404
        (401, "Unauthorized", E.TokenExpiredError),
        (200, {"success": False, "error": {"message": "boom"}}, E.NemoError),
        (200, {"error": "boom"}, E.NemoError),
        (500, "<html>oops</html>", E.NemoError),
        (422, {"detail": [{"msg": "field required", "loc": ["body"]}]}, E.NemoError),
    ],
)
def test_error_shapes(status, body, cls):
    with pytest.raises(cls) as info:
        envelopes.unwrap(status, body)
    assert type(info.value) is cls
    assert info.value.status == status


def test_messages_say_what_to_do_next():
    def msg(status, body, **kw):
        return str(envelopes.error_for(envelopes.parse(status, body), **kw))

    bind = "https://nemovideo.com/register?bind=anon_1"
    assert bind in msg(402, {"code": 2001}, bind_url=bind)
    assert "Top up" in msg(402, {"code": 2001})
    assert "mp4, mov" in msg(415, {"code": 4001})
    # A refused link: the server's own next step, not "convert the file".
    own = "URLs on loopback addresses (127.0.0.1) are refused; download the file yourself."
    url = envelopes.DURING_URL_IMPORT
    assert msg(400, {"code": 4001, "message": own}, during=url) == own
    bare = msg(400, {"code": 4001, "message": "'https://x' redirects too many times."}, during=url)
    assert "not supported" not in bare and bare.endswith(envelopes.URL_HINT)
    assert "Convert" in msg(415, {"code": 4001, "message": "notes.mp4 is not a video"})
    assert "compress" in msg(413, {"code": 4002}) and "Trim" in msg(413, {"code": 4002})
    text = msg(402, {"success": False, "error": "plan"})
    assert "Register or upgrade" in text and "not about credits" in text
    assert "nw.connect()" in msg(404, {"code": 1002})
    assert "field required" in msg(422, {"detail": [{"msg": "field required"}]})


def test_errors_are_one_family():
    for cls in (
        E.TokenExpiredError,
        E.SessionNotFoundError,
        E.OutOfCreditsError,
        E.UnsupportedFileError,
        E.FileTooLargeError,
        E.ExportBlockedError,
        E.RateLimitedError,
        E.RenderFailedError,
        E.StreamDroppedError,
    ):
        assert issubclass(cls, E.NemoError)
        assert str(cls()).endswith((".", ")")) and len(str(cls())) > 30


def test_redact_hides_tokens_in_messages():
    err = E.NemoError("bad header Bearer nmv_usr_abcDEF123-xyz and nmv_usr_zzz")
    assert "abcDEF" not in str(err) and "zzz" not in repr(err)
    E.register_secret("custom-secret-value-42")
    assert "custom-secret" not in str(E.NemoError("token custom-secret-value-42 refused"))
