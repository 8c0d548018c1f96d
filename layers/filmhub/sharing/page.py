"""The public page of a shared list (``GET /l/{slug}``): small server-rendered HTML that unfurls in messengers.

No script at all.  Every value from the table (title, username, film fields, notes, URLs) goes through
``html.escape``; poster URLs must be http(s).  The one ``<style>`` element carries the list's colours, so its
SHA-256 is computed per page and named in the Content-Security-Policy (no ``'unsafe-inline'``), and images are
allowed from the origins of the posters on the page only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from filmhub.core.entities import Gradient

if TYPE_CHECKING:
    from filmhub.sharing.ports import PublicFilm, PublicList

SITE_NAME = "FilmHub"
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
FALLBACK_GRADIENT = Gradient("#2A4EC1", "#9532C7", "#09003F")
#: Films named in the link preview's description.
DESCRIBED_FILMS = 3
NOT_FOUND_TITLE = "Список не найден"
NOT_FOUND_TEXT = "Ссылка отозвана, список удалён, или в адресе ошибка."
#: The page shown for an error status of the API, by status; others show a generic title and the error's text.
ERROR_PAGES = {
    404: (NOT_FOUND_TITLE, NOT_FOUND_TEXT),
    429: ("Слишком много запросов", "Попробуйте открыть ссылку через минуту."),
}

BASE_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f4f7}
.hero{padding:32px 16px 24px;background:linear-gradient(135deg,var(--c1),var(--c2),var(--c3))}
.card{max-width:688px;margin:0 auto;padding:16px 20px;border-radius:16px;background:rgba(15,15,25,.55);color:#fff}
.kicker{margin:0;font-size:13px;letter-spacing:.08em;text-transform:uppercase;opacity:.85}
h1{margin:4px 0 6px;font-size:clamp(24px,6vw,36px);line-height:1.15;overflow-wrap:anywhere}
.owner{margin:0;opacity:.9}
main{max-width:720px;margin:0 auto;padding:16px}
ol{list-style:none;margin:0;padding:0}
.film{display:flex;gap:14px;padding:12px;margin-bottom:12px;border-radius:12px;background:#fff;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
.rank{flex:none;width:1.6em;font-weight:700;color:#8a8a96;text-align:right}
.poster{flex:none;width:84px;height:126px;border-radius:8px;object-fit:cover;background:#dcdce4}
.none{background:linear-gradient(135deg,var(--c1),var(--c3));opacity:.6}
.info{min-width:0}
h2{margin:0 0 4px;font-size:18px;line-height:1.25;overflow-wrap:anywhere}
.meta{margin:0;color:#5c5c68;font-size:14px}
.note{margin:8px 0 0;padding:8px 10px;border-left:3px solid var(--c2);background:#f6f6fa;border-radius:0 8px 8px 0;
white-space:pre-wrap;overflow-wrap:anywhere}
.empty{color:#5c5c68}
.more{text-align:center}
.more a{display:inline-block;padding:10px 18px;border-radius:999px;background:#1b1b1f;color:#fff;text-decoration:none}
footer{padding:24px 16px 32px;text-align:center;color:#8a8a96;font-size:13px}
@media (max-width:420px){.poster{width:64px;height:96px}.film{gap:10px;padding:10px}}
"""


@dataclass(frozen=True)
class RenderedPage:
    html: str
    content_security_policy: str


def _colour(value: str, fallback: str) -> str:
    return value if COLOUR.fullmatch(value) else fallback


def _stylesheet(gradient: Gradient) -> str:
    """The page's one style element: the list's colours (checked: they become CSS) and the fixed rules."""
    g, f = gradient, FALLBACK_GRADIENT
    colours = (_colour(g.color1, f.color1), _colour(g.color2, f.color2), _colour(g.color3, f.color3))
    return ":root{{--c1:{};--c2:{};--c3:{}}}".format(*colours) + BASE_CSS


def _image_url(url: str | None) -> str | None:
    """A poster URL a page may show: absolute http(s) only (never ``javascript:``, ``data:`` …)."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(stylesheet: str | None, image_origins: set[str]) -> str:
    """No scripts, no plugins, no framing, no forms; styles only by hash; images from the posters' origins."""
    style = "'none'"
    if stylesheet is not None:
        digest = base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode()
        style = f"'sha256-{digest}'"
    images = " ".join(sorted(image_origins)) or "'none'"
    return (
        f"default-src 'none'; img-src {images}; style-src {style}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


def _film_item(position: int, entry: PublicFilm, ranked: bool) -> str:
    film = entry.film
    poster = _image_url(film.poster_url)
    title = escape(film.title)
    image = (
        f'<img class="poster" src="{escape(poster)}" alt="Постер: {title}" width="84" height="126" loading="lazy">'
        if poster
        else '<div class="poster none" aria-hidden="true"></div>'
    )
    meta = " · ".join(
        part
        for part in (
            str(film.release_year) if film.release_year else "",
            ", ".join(genre.name for genre in film.genres),
            film.country or "",
        )
        if part
    )
    rank = f'<span class="rank">{position}</span>' if ranked else ""
    note = f'<p class="note">{escape(entry.note)}</p>' if entry.note else ""
    return (
        f'<li class="film">{rank}{image}<div class="info"><h2>{title}</h2>'
        f'<p class="meta">{escape(meta)}</p>{note}</div></li>'
    )


def describe(shared: PublicList) -> str:
    """The link preview's description: whose list, and its first films."""
    named = [
        f"{entry.film.title} ({entry.film.release_year})" if entry.film.release_year else entry.film.title
        for entry in shared.films[:DESCRIBED_FILMS]
    ]
    films = ", ".join(named) + (" и другие" if len(shared.films) > DESCRIBED_FILMS or shared.next_cursor else "")
    return f"Список фильмов, автор — {shared.username}" + (f". {films}." if named else ".")


def _meta(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{name}" content="{escape(content)}">'


def render_list_page(shared: PublicList, page_url: str, first_position: int = 1) -> RenderedPage:
    """The page of one shared list; ``page_url`` is its absolute address (og:url), the ranks start at
    ``first_position`` (the page of a cursor continues the numbering)."""
    stylesheet = _stylesheet(shared.gradient)
    posters = [url for url in (_image_url(entry.film.poster_url) for entry in shared.films) if url]
    description = describe(shared)
    tags = [
        _meta("property", "og:type", "website"),
        _meta("property", "og:site_name", SITE_NAME),
        _meta("property", "og:title", shared.title),
        _meta("property", "og:description", description),
        _meta("property", "og:url", page_url),
        _meta("name", "twitter:card", "summary_large_image" if posters else "summary"),
        _meta("name", "twitter:title", shared.title),
        _meta("name", "twitter:description", description),
    ]
    if posters:
        tags += [_meta("property", "og:image", posters[0]), _meta("name", "twitter:image", posters[0])]
    items = "".join(
        _film_item(position, entry, shared.ordered) for position, entry in enumerate(shared.films, first_position)
    )
    films = f"<ol>{items}</ol>" if items else '<p class="empty">В списке пока нет фильмов.</p>'
    more = ""
    if shared.next_cursor:
        query = urlencode({"cursor": shared.next_cursor, "start": first_position + len(shared.films)})
        more = f'<p class="more"><a href="?{escape(query)}">Показать ещё</a></p>'
    body = (
        f'<header class="hero"><div class="card"><p class="kicker">Список фильмов</p>'
        f'<h1>{escape(shared.title)}</h1><p class="owner">Автор: {escape(shared.username)}</p></div></header>'
        f"<main>{films}{more}</main><footer>{SITE_NAME}</footer>"
    )
    html = _document(f"{shared.title} — {shared.username} · {SITE_NAME}", description, tags, stylesheet, body)
    return RenderedPage(html, content_security_policy(stylesheet, {_origin(url) for url in posters}))


def render_error_page(title: str, text: str) -> RenderedPage:
    """A page for a link that opens nothing (404) or a client over its limit (429): no colours, no images."""
    stylesheet = _stylesheet(FALLBACK_GRADIENT)
    body = (
        f'<header class="hero"><div class="card"><h1>{escape(title)}</h1>'
        f'<p class="owner">{escape(text)}</p></div></header><footer>{SITE_NAME}</footer>'
    )
    html = _document(f"{title} · {SITE_NAME}", text, [_meta("name", "robots", "noindex")], stylesheet, body)
    return RenderedPage(html, content_security_policy(stylesheet, set()))


def _document(title: str, description: str, tags: list[str], stylesheet: str, body: str) -> str:
    head = "".join(
        [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            _meta("name", "description", description),
            *tags,
            f"<style>{stylesheet}</style>",
        ]
    )
    return f'<!doctype html>\n<html lang="ru"><head>{head}</head><body>{body}</body></html>\n'
