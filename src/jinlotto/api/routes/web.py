"""The page at ``/``, its static assets (the web app manifest among them) and the favicon.

The page shell is rendered once per language from a Jinja2 template and kept in memory with its
gzip form. Assets live under ``/static/<version>/``, where the version is a digest of every
asset: a changed asset gets a new URL, so the files can be cached for a year (``immutable``).
Every response carries an ``ETag`` and answers ``If-None-Match`` with 304.
"""

import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import Response
from jinja2 import Environment, StrictUndefined, select_autoescape

from jinlotto import __version__
from jinlotto.errors import NotFoundError

router = APIRouter(include_in_schema=False)

Language = Literal["ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko", "en")
LANGUAGE_COOKIE = "jl_lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
)
_MIN_COMPRESS = 512
_WEB = files("jinlotto.web")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True, slots=True)
class Payload:
    """One response body, its gzip form (when worth it), type and entity tag."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> "Payload":
        """A payload; text-like bodies over a few hundred bytes are also kept gzipped."""
        compressible = media_type.startswith(_COMPRESSIBLE) and len(body) >= _MIN_COMPRESS
        gzipped = gzip.compress(body, compresslevel=9, mtime=0) if compressible else None
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return cls(body, gzipped, media_type, etag)

    def response(self, request: Request, cache_control: str, vary: str = "") -> Response:
        """The payload as a response: 304 when the client holds it, gzip when it accepts it."""
        headers = {"etag": self.etag, "cache-control": cache_control}
        vary_on = [name for name in (vary, "Accept-Encoding" if self.gzipped else "") if name]
        if vary_on:
            headers["vary"] = ", ".join(vary_on)
        if self.etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        body = self.body
        if self.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            body = self.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=self.media_type, headers=headers)


@dataclass(frozen=True, slots=True)
class Assets:
    """Every file under ``web/static``, by name, and the version naming this set of them."""

    version: str
    files: dict[str, Payload]

    def url(self, name: str) -> str:
        """The cacheable URL of an asset; an unknown name is a programming error."""
        if name not in self.files:
            raise KeyError(f"no asset {name!r}")
        return f"/static/{self.version}/{name}"


@cache
def assets() -> Assets:
    """The packaged assets, read once per process."""
    found: dict[str, Payload] = {}
    digest = hashlib.sha256()
    for name, resource in sorted(_walk(_WEB.joinpath("static"), "")):
        body = resource.read_bytes()
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        found[name] = Payload.of(body, media_type)
        digest.update(name.encode() + b"\0" + body)
    return Assets(version=digest.hexdigest()[:12], files=found)


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    entries: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        name = prefix + entry.name
        if entry.is_dir():
            entries += _walk(entry, name + "/")
        elif not entry.name.startswith("."):
            entries.append((name, entry))
    return entries


@cache
def messages(language: Language) -> dict[str, str]:
    """The page's text in one language (``web/messages/<language>.json``)."""
    catalog: dict[str, str] = json.loads(
        _WEB.joinpath("messages", f"{language}.json").read_text(encoding="utf-8")
    )
    return catalog


@cache
def page(language: Language) -> Payload:
    """The rendered page shell in one language."""
    environment = Environment(
        autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True
    )
    # Korean as UTF-8 rather than \uXXXX escapes: half the bytes; <, > and & are still escaped.
    environment.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    template = environment.from_string(
        _WEB.joinpath("templates", "index.html").read_text(encoding="utf-8")
    )
    catalog = messages(language)

    def translate(key: str) -> str:
        return catalog[key]  # a missing key fails the render, and with it the tests

    html = template.render(
        lang=language,
        other=LANGUAGES[1 - LANGUAGES.index(language)],
        t=translate,
        asset=assets().url,
        modules=sorted(
            name for name in assets().files if name.endswith(".js") and name != "app.js"
        ),
        messages=catalog,
        version=__version__,
    )
    return Payload.of(html.encode("utf-8"), "text/html; charset=utf-8")


@router.get("/")
def index(
    request: Request,
    lang: Annotated[str | None, Query(max_length=8)] = None,
    saved: Annotated[str | None, Cookie(alias=LANGUAGE_COOKIE, max_length=8)] = None,
) -> Response:
    """The page: Korean unless English was chosen (``?lang=en``, remembered in a cookie)."""
    chosen = _language(lang if lang is not None else saved)
    response = page(chosen).response(request, REVALIDATE, vary="Cookie")
    if lang is not None and chosen != saved:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_MAX_AGE, samesite="lax"
        )
    return response


def _language(value: Any) -> Language:
    return "en" if value == "en" else "ko"


@router.get("/static/{version}/{name:path}")
def static(request: Request, version: str, name: str) -> Response:
    """A packaged asset; cached for a year under the current version, revalidated otherwise."""
    current = assets()
    payload = current.files.get(name)
    if payload is None:
        raise NotFoundError(f"no asset {name!r}")
    return payload.response(request, YEAR if version == current.version else REVALIDATE)


@router.get("/favicon.ico")
def favicon(request: Request) -> Response:
    """The icon browsers ask for by this fixed name."""
    return assets().files["favicon.ico"].response(request, "public, max-age=86400")
