"""Receiving uploads: multipart bodies streamed to disk, URL fetches with guards, then probing.

Nothing is held in memory whole: multipart parts go through python-multipart's streaming
parser straight into temporary files under ``<data_dir>/tmp``, and the size cap is enforced
while the bytes arrive. A request is all-or-nothing: if any file in it is refused, every
temporary file of the request is deleted and the session is untouched.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from .. import schema

#: Bytes of an over-size body we keep reading (and discard) so the client sees our answer.
_DRAIN_LIMIT = 64 * 1024 * 1024
_MAX_REDIRECTS = 5


class UploadError(Exception):
    """An upload refused with a contract error code (4001 / 4002) and a message for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def unsupported(filename: str, why: str = "") -> UploadError:
    what = why or f"{filename!r} is not a supported file type"
    return UploadError(
        schema.ErrorCode.UNSUPPORTED_FILE,
        f"{what}. Supported formats: {schema.SUPPORTED_FORMATS_TEXT}.",
    )


def too_large(filename: str, limit: int) -> UploadError:
    mb = limit / (1024 * 1024)
    return UploadError(
        schema.ErrorCode.FILE_TOO_LARGE,
        f"{filename!r} is larger than the {mb:g} MB limit; compress or trim it and upload again.",
    )


@dataclass
class Incoming:
    """A received file waiting in the tmp dir to be probed and kept (or deleted)."""

    filename: str
    tmp_path: Path
    size: int = 0
    sha256: hashlib._Hash = field(default_factory=hashlib.sha256)

    @property
    def ext(self) -> str:
        return self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""

    def discard(self) -> None:
        self.tmp_path.unlink(missing_ok=True)


def _clean_name(raw: str) -> str:
    """The user's file name without any directory part (browsers may send a full path)."""
    # browsers (WHATWG form encoding) and httpx send '"' as %22 inside the quoted filename
    name = raw.replace("%22", '"').replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "upload"


def _new_tmp(tmp_dir: Path, ext: str) -> Path:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return tmp_dir / f"up-{uuid.uuid4().hex}.{ext or 'bin'}"


async def receive_multipart(
    stream: AsyncIterator[bytes], content_type: str, tmp_dir: Path, max_bytes: int
) -> list[Incoming]:
    """Stream a multipart body's ``files`` parts to temporary files.

    Raises :class:`UploadError` (and deletes everything written) for a refused type, a file
    over ``max_bytes``, or a body without files.
    """
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadError(
            schema.ErrorCode.UNSUPPORTED_FILE,
            "Send files as multipart/form-data with the field name 'files', or JSON "
            '{"urls": [...], "source_type": "url"}.',
        )
    files: list[Incoming] = []
    current: dict[str, object] = {}
    header_field = bytearray()
    header_value = bytearray()
    failure: list[UploadError] = []

    def on_part_begin() -> None:
        current.clear()
        current["headers"] = {}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        current["headers"][bytes(header_field).lower()] = bytes(header_value)  # type: ignore[index]
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        disp = current["headers"].get(b"content-disposition", b"")  # type: ignore[attr-defined]
        _, opts = parse_options_header(disp)
        name = opts.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = opts.get(b"filename")
        if name not in ("files", "file") or raw_filename is None or failure:
            current["target"] = None
            return
        filename = _clean_name(raw_filename.decode("utf-8", "replace"))
        incoming = Incoming(filename, Path())
        if schema.media_type(filename) is None:
            failure.append(unsupported(filename))
            current["target"] = None
            return
        incoming.tmp_path = _new_tmp(tmp_dir, incoming.ext)
        current["target"] = incoming
        current["fh"] = open(incoming.tmp_path, "wb")  # noqa: SIM115 - closed in on_part_end
        files.append(incoming)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        incoming = current.get("target")
        if not isinstance(incoming, Incoming) or failure:
            return
        chunk = data[start:end]
        incoming.size += len(chunk)
        if incoming.size > max_bytes:
            failure.append(too_large(incoming.filename, max_bytes))
            _close(current)
            return
        incoming.sha256.update(chunk)
        current["fh"].write(chunk)  # type: ignore[union-attr]

    def on_part_end() -> None:
        _close(current)

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    drained = 0
    try:
        async for chunk in stream:
            if failure:
                # keep reading (without writing) so the client gets our answer, within reason
                drained += len(chunk)
                if drained > _DRAIN_LIMIT:
                    break
                continue
            parser.write(chunk)
        if not failure:
            parser.finalize()
    except UploadError:
        raise
    except Exception as exc:
        failure.append(
            UploadError(
                schema.ErrorCode.UNSUPPORTED_FILE,
                f"The upload could not be read ({exc}); send it again as multipart/form-data.",
            )
        )
    finally:
        _close(current)
    if failure:
        for f in files:
            f.discard()
        raise failure[0]
    if not files:
        raise UploadError(
            schema.ErrorCode.UNSUPPORTED_FILE,
            "No file found in the upload: send each file in a multipart field named 'files'.",
        )
    return files


def _close(current: dict[str, object]) -> None:
    fh = current.pop("fh", None)
    if fh is not None:
        fh.close()  # type: ignore[attr-defined]


# -- URL uploads --------------------------------------------------------------------------------
def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def check_url(url: str, *, allow_private: bool = False) -> None:
    """Refuse anything but http(s) URLs whose host resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UploadError(
            schema.ErrorCode.UNSUPPORTED_FILE,
            f"Only http:// and https:// URLs can be uploaded, not {parts.scheme or 'this'!r} "
            "URLs; upload a local file as a file instead.",
        )
    host = parts.hostname
    if not host:
        raise UploadError(schema.ErrorCode.UNSUPPORTED_FILE, f"{url!r} has no host name.")
    if allow_private:
        return
    try:
        infos = await asyncio.to_thread(
            socket.getaddrinfo, host, parts.port or 443, 0, socket.SOCK_STREAM
        )
    except socket.gaierror as exc:
        raise UploadError(
            schema.ErrorCode.UNSUPPORTED_FILE,
            f"The host {host!r} could not be found ({exc.strerror}); check the URL.",
        ) from exc
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise UploadError(
                schema.ErrorCode.UNSUPPORTED_FILE,
                f"URLs on private, loopback or local-network addresses ({host}) are refused; "
                "download the file yourself and upload it as a file.",
            )


def filename_from_url(url: str, content_type: str | None) -> str:
    name = _clean_name(unquote(urlsplit(url).path))
    if schema.media_type(name) is None and content_type:
        mime = content_type.split(";")[0].strip().lower()
        for ext, (_, m) in schema.MEDIA_TYPES.items():
            if m == mime:
                stem = name.rsplit(".", 1)[0] if "." in name else name
                return f"{stem or 'download'}.{ext}"
    return name


async def fetch_url(
    url: str, tmp_dir: Path, max_bytes: int, timeout_s: float, *, allow_private: bool = False
) -> Incoming:
    """Download ``url`` to a temporary file, checking every redirect hop and the size cap.

    The whole download (every hop, every byte) must finish within ``timeout_s``: a server
    trickling bytes cannot hold the engine forever.
    """
    holder: list[Incoming] = []
    original = url
    try:
        try:
            return await asyncio.wait_for(
                _fetch(url, tmp_dir, max_bytes, timeout_s, allow_private, holder), timeout_s
            )
        except BaseException:
            for f in holder:  # however it failed, no partial download is left behind
                f.discard()
            raise
    except asyncio.TimeoutError:
        raise UploadError(
            schema.ErrorCode.UNSUPPORTED_FILE,
            f"Downloading {original!r} took longer than {timeout_s:g} s; download it yourself "
            "and upload the file.",
        ) from None
    except httpx.HTTPError as exc:
        raise UploadError(
            schema.ErrorCode.UNSUPPORTED_FILE,
            f"Could not download {original!r} ({type(exc).__name__}); check the link or upload "
            "the file directly.",
        ) from exc


async def _fetch(
    url: str,
    tmp_dir: Path,
    max_bytes: int,
    timeout_s: float,
    allow_private: bool,
    holder: list[Incoming],
) -> Incoming:
    async with httpx.AsyncClient(
        follow_redirects=False, timeout=httpx.Timeout(min(30.0, timeout_s))
    ) as client:
        for _ in range(_MAX_REDIRECTS + 1):
            await check_url(url, allow_private=allow_private)
            async with client.stream("GET", url) as resp:
                if resp.is_redirect and "location" in resp.headers:
                    url = urljoin(url, resp.headers["location"])
                    continue
                if resp.status_code >= 400:
                    raise UploadError(
                        schema.ErrorCode.UNSUPPORTED_FILE,
                        f"Downloading {url!r} failed with HTTP {resp.status_code}; "
                        "check that the link is public and direct.",
                    )
                filename = filename_from_url(url, resp.headers.get("content-type"))
                if schema.media_type(filename) is None:
                    raise unsupported(filename)
                declared = int(resp.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise too_large(filename, max_bytes)
                incoming = Incoming(filename, _new_tmp(tmp_dir, filename.rsplit(".", 1)[-1]))
                holder.append(incoming)
                with open(incoming.tmp_path, "wb") as fh:
                    async for chunk in resp.aiter_raw():
                        incoming.size += len(chunk)
                        if incoming.size > max_bytes:
                            raise too_large(filename, max_bytes)
                        incoming.sha256.update(chunk)
                        fh.write(chunk)
                return incoming
        raise UploadError(schema.ErrorCode.UNSUPPORTED_FILE, f"{url!r} redirects too many times.")


def keep(incoming: Incoming, uploads_dir: Path) -> tuple[str, str]:
    """Move a probed file into the uploads dir under a safe generated name.

    Returns ``(file_id, stored_name)``; the user's file name is kept only as data.
    """
    file_id = "f_" + uuid.uuid4().hex[:20]
    ext = incoming.ext if incoming.ext.isalnum() else "bin"
    stored = f"{file_id}.{ext}"
    uploads_dir.mkdir(parents=True, exist_ok=True)
    os.replace(incoming.tmp_path, uploads_dir / stored)
    return file_id, stored
