"""Screenshot the public page of a shared list with headless Chromium, as a phone shows it.

Against a running stack (``make run``) it signs up a demo user, fills a ranked list with films from the mixes
(one with a generated poster, two with notes), shares it and photographs ``/l/<slug>``:

    python scripts/screenshot_share_page.py                      # http://127.0.0.1:8080, 390×844
    python scripts/screenshot_share_page.py --out page.png --width 1280 --height 900

Needs a Chromium (``apt-get install chromium`` on Debian); it prints the page's address and the PNG's path.
The e2e suite runs it against its own stack when a Chromium is installed (tests/e2e/test_sharing_http.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.request
import uuid
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Films the demo list holds, taken from the seeded mixes.
DEMO_FILMS = 6
NOTES = {0: "Начать с этого: лучший фильм списка.", 2: "Смотреть с субтитрами"}


def find_chromium() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def _call(base_url: str, method: str, path: str, body: Any = None, token: str | None = None, raw: bytes | None = None,
          content_type: str = "application/json") -> Any:  # fmt: skip
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": content_type} if data is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base_url + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def gradient_png(width: int = 200, height: int = 300) -> bytes:
    """A poster-shaped PNG (a diagonal gradient), made with the standard library only."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            t = (x / width + y / height) / 2
            rows += bytes((int(40 + 200 * t), int(30 + 60 * (1 - t)), int(120 + 100 * (1 - t))))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    )


def prepare_shared_list(base_url: str, username: str = "Киноклуб", title: str = "Лучшее за выходные") -> str:
    """Sign up, fill and rank a list, share it; the page's address."""
    api = f"{base_url}/api/v1"
    email = f"demo-{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "demo password 123", "username": username}
    _call(api, "POST", "/auth/register", account)
    token = _call(api, "POST", "/auth/login", {"email": email, "password": account["password"]})["token"]
    film_ids: list[str] = []
    for mix in _call(api, "GET", "/mix"):
        film_ids += [film["id"] for film in _call(api, "GET", f"/mix/{mix['id']}/items")]
    film_ids = list(dict.fromkeys(film_ids))[: DEMO_FILMS - 1]
    own = {"title": "Фильм с постером", "description": "Свой фильм: постер загружен в хранилище.", "release_year": 2024}
    poster_film = _call(api, "POST", "/films", own, token)["id"]
    boundary = uuid.uuid4().hex
    form = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="poster.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + gradient_png()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    _call(api, "PUT", f"/films/{poster_film}/poster", raw=form, token=token,
          content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip
    list_id = _call(api, "POST", "/me/watchlists", {"title": title}, token)["id"]
    ranked = [poster_film, *film_ids]
    for film_id in ranked:
        _call(api, "PUT", f"/me/watchlists/{list_id}/items/add", {"film_id": film_id}, token)
    _call(api, "PUT", f"/me/watchlists/{list_id}/items/order", {"film_ids": ranked}, token)
    for position, note in NOTES.items():
        _call(api, "PUT", f"/me/watchlists/{list_id}/items/{ranked[position]}/note", {"text": note}, token)
    return str(_call(api, "POST", f"/me/watchlists/{list_id}/share", token=token)["page_url"])


def screenshot(chromium: str, page_url: str, out: Path, width: int = 390, height: int = 844) -> Path:
    """A PNG of the page at this window size (no JavaScript runs: the page has none)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",  # root in containers; the page is our own and runs no script
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                page_url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080", help="the running stack (make run)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "share-page.png")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("No Chromium found (apt-get install chromium)", file=sys.stderr)
        return 1
    page_url = prepare_shared_list(args.base_url.rstrip("/"))
    print(page_url)
    print(screenshot(chromium, page_url, args.out, args.width, args.height))
    return 0


if __name__ == "__main__":
    sys.exit(main())
