"""The page's shell, assets, caching, compression, languages and security headers."""

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jinlotto.api.security import DOCS_PATHS
from jinlotto.strategies import base, filters

WEB = files("jinlotto.web")


def catalog(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(WEB.joinpath("messages", f"{language}.json").read_text())
    return data


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_the_page_is_korean_by_default_and_english_when_chosen_and_remembered(
    client: TestClient,
) -> None:
    korean = client.get("/")
    assert korean.status_code == 200
    assert '<html lang="ko">' in korean.text
    assert "이번 주 추천 번호" in korean.text
    english = client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert "Check a ticket" in english.text
    assert "이번 주" not in english.text.split('id="messages"')[0]
    assert english.cookies.get("jl_lang") == "en"
    assert '<html lang="en">' in client.get("/").text  # the cookie is sent back
    assert '<html lang="ko">' in client.get("/", params={"lang": "ko"}).text
    assert '<html lang="ko">' in client.get("/", params={"lang": "fr"}).text


def filter_error_codes() -> list[str]:
    """Every ``code`` an ``InvalidFilterError`` of the recommender can carry, read from source."""
    text = Path(filters.__file__).read_text() + Path(base.__file__).read_text()
    found = re.findall(r'_error\(\s*"?\w+"?,\s*"(\w+)"|"code": "(\w+)"', text)
    codes = sorted({named or literal for named, literal in found})
    assert "outside_limits" in codes and "too_few_games" in codes  # the pattern still matches
    return codes


def test_both_languages_hold_the_same_messages_and_every_one_the_scripts_use() -> None:
    korean, english = catalog("ko"), catalog("en")
    assert set(korean) == set(english)
    assert all(value.strip() for value in [*korean.values(), *english.values()])
    scripts = " ".join(
        resource.read_text(encoding="utf-8")
        for resource in WEB.joinpath("static").iterdir()
        if resource.name.endswith(".js")
    )
    used = set(re.findall(r"""\bt\(["']([a-z0-9_.]+)["']""", scripts))
    families = {
        "strategy.": ["statistical", "ml", "unified", "uniform", "popularity"],
        "audit.": ["number_frequencies", "odd_even", "sums", "serial_repeats"],
        "scan.": ["too_large", "format", "too_many_pixels", "damaged", "no_qr_code"],
        "rank.": ["1", "2", "3", "4", "5"],
        "check.": ["pending", "missing", "kind_manual", "kind_auto"],
        "mine.": ["pending", "missing", "source_typed", "source_qr"],
        "mine.status_": ["graded", "pending", "missing"],
        "filter_error.": filter_error_codes(),
    }
    used |= {prefix + name for prefix, names in families.items() for name in names}
    assert used - set(korean) == set()
    # Placeholders match, so no language shows a raw {name}.
    for key, text in korean.items():
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", english[key])), key


def test_assets_are_cached_for_a_year_revalidated_by_etag_and_gzipped(
    client: TestClient,
) -> None:
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    urls = asset_urls(page.text)
    assert {url.rsplit("/", 1)[1] for url in urls} >= {"app.js", "app.css", "manifest.webmanifest"}
    script = next(url for url in urls if url.endswith("/app.js"))
    plain = client.get(script, headers={"Accept-Encoding": "identity"})
    assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["content-type"].startswith("text/javascript")
    assert "content-encoding" not in plain.headers
    packed = client.get(script, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    again = client.get(script, headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    # The page itself is revalidated on every visit, by ETag, per language cookie.
    assert page.headers["cache-control"] == "no-cache"
    assert "Cookie" in page.headers["vary"]
    assert client.get("/", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    # An old version's URL still serves the file, but is not cached as immutable.
    stale = client.get(re.sub(r"/static/\w+/", "/static/000000000000/", script))
    assert stale.status_code == 200
    assert stale.headers["cache-control"] == "no-cache"
    assert client.get("/static/x/nothing.js").status_code == 404


def test_the_favicon_and_manifest_are_served(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    manifest_url = next(u for u in asset_urls(client.get("/").text) if u.endswith(".webmanifest"))
    response = client.get(manifest_url, headers={"Accept-Encoding": "gzip"})
    manifest = json.loads(response.content)
    assert response.headers["content-type"] == "application/manifest+json"
    assert manifest["start_url"] == "/"
    base = manifest_url.rsplit("/", 1)[0]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for entry in manifest["icons"]:
        assert client.get(f"{base}/{entry['src']}").status_code == 200


def test_no_message_or_data_is_written_into_the_page_as_markup(client: TestClient) -> None:
    html = client.get("/").text
    assert "<script>" not in html  # only external scripts and the JSON data block
    block = re.search(r'<script type="application/json" id="messages">(.*?)</script>', html, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == catalog("ko")
    scripts = " ".join(
        r.read_text(encoding="utf-8")
        for r in WEB.joinpath("static").iterdir()
        if r.name.endswith(".js")
    )
    assert "innerHTML" not in scripts
    assert "insertAdjacentHTML" not in scripts


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/favicon.ico"),
        ("GET", "/api/health"),
        ("GET", "/api/draws/latest"),
        ("GET", "/api/draws/99999"),  # 422
        ("GET", "/api/draws/1300"),  # 404
        ("POST", "/api/tickets/check"),  # 422
        ("GET", "/no/such/page"),
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, json={} if method == "POST" else None)
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "http" not in policy  # no other origin anywhere
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_the_api_documentation_may_load_its_viewer_but_not_be_framed(client: TestClient) -> None:
    for path in DOCS_PATHS - {"/docs/oauth2-redirect"}:
        response = client.get(path)
        assert response.status_code == 200
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
