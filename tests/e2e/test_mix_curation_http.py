"""An admin promoted with `make admin` curates a mix over HTTP; anonymous users see the result."""

from __future__ import annotations

import subprocess

import pytest

from local.stack import ROOT
from tests.support.e2e import catalog_film_ids, register
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_admin_curates_a_mix(stack: LocalStackProcess) -> None:
    email_token = register(stack, "curator")
    email = stack.request("GET", "/api/v1/me", token=email_token).json["email"]
    assert stack.request("POST", "/api/v1/mix", json_body={"title": "x"}, token=email_token).status == 403

    promoted = subprocess.run(
        ["make", "--no-print-directory", "admin", f"EMAIL={email}", f"DATA_DIR={stack.data_dir}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert promoted.returncode == 0, promoted.stdout + promoted.stderr
    assert stack.request("GET", "/api/v1/me", token=email_token).json["role"] == "admin"

    created = stack.request("POST", "/api/v1/mix", json_body={"title": "Микс #99: Выбор редакции"}, token=email_token)
    assert created.status == 201
    mix_id = created.json["id"]
    films = catalog_film_ids(stack)[:3]
    for film_id in films:
        added = stack.request("PUT", f"/api/v1/mix/{mix_id}/items/add", json_body={"film_id": film_id},
                              token=email_token)  # fmt: skip
        assert added.status == 204
    order = list(reversed(films))
    reordered = stack.request("PUT", f"/api/v1/mix/{mix_id}/items/order", json_body={"film_ids": order},
                              token=email_token)  # fmt: skip
    assert reordered.status == 204
    assert created.json in stack.request("GET", "/api/v1/mix").json
    assert [f["id"] for f in stack.request("GET", f"/api/v1/mix/{mix_id}/items").json] == order
