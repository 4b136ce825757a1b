# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The webhook over real HTTP, with a real API key, against a served Odoo."""

from concurrent.futures import ThreadPoolExecutor

from karage_endpoints import BULK, SINGLE


def test_seed_order_becomes_paid_with_done_picking(sync_odoo):
    odoo = sync_odoo
    order_id = odoo.next_order_id()
    response = odoo.post(SINGLE, odoo.payload(order_id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success" and body["data"]["state"] == "paid"
    [order] = odoo.orders([order_id])
    pickings = odoo.call(
        "stock.picking", "read", order["picking_ids"], fields=["state"]
    )
    assert [p["state"] for p in pickings] == ["done"]


def test_missing_and_wrong_keys_are_refused(sync_odoo):
    odoo = sync_odoo
    order_id = odoo.next_order_id()
    assert odoo.post(SINGLE, odoo.payload(order_id), key=False).status_code == 401
    assert odoo.post(SINGLE, odoo.payload(order_id), key="0" * 40).status_code == 401
    assert odoo.orders([order_id]) == []


def test_concurrent_requests_needing_a_session_share_one(sync_odoo):
    odoo = sync_odoo
    odoo.close_sessions()
    order_ids = [odoo.next_order_id() for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(
            pool.map(lambda i: odoo.post(SINGLE, odoo.payload(i)), order_ids)
        )
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    orders = odoo.orders(order_ids)
    assert len(orders) == 6
    sessions = odoo.call(
        "pos.session", "search_read", [("state", "!=", "closed")], fields=["state"]
    )
    assert [s["state"] for s in sessions] == ["opened"]


def test_concurrent_identical_posts_create_one_order(sync_odoo):
    odoo = sync_odoo
    order_id = odoo.next_order_id()
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(lambda _: odoo.post(SINGLE, odoo.payload(order_id)), range(8))
        )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 1 and set(codes) <= {200, 409}, codes
    assert len(odoo.orders([order_id])) == 1


def test_bulk_partial_failure(sync_odoo):
    odoo = sync_odoo
    good, bad = odoo.next_order_id(), odoo.next_order_id()
    broken = odoo.payload(bad)
    broken["Tax"] = 1.0
    response = odoo.post(BULK, {"orders": [odoo.payload(good), broken]})
    body = response.json()
    assert body["message"] == "Processed 2 orders: 1 succeeded, 1 failed" or (
        odoo.queue_mode
        and body["message"] == "Processed 2 orders: 2 succeeded, 0 failed"
    )
    if odoo.queue_mode:
        # accepted at once, refused by its job
        assert response.status_code == 202
        states = odoo.wait_states([good, bad])
        assert states == {good: "done", bad: "failed"}
        error = odoo.status(bad).json()["data"]["error"]
        assert error.startswith("Failed to confirm order: Order is not fully paid")
    else:
        assert response.status_code == 200
        assert [r["status_code"] for r in body["data"]["results"]] == [200, 422]
    assert [o["external_order_id"] for o in odoo.orders([good, bad])] == [str(good)]


def test_closing_the_session_posts_journal_entries(sync_odoo):
    odoo = sync_odoo
    order_id = odoo.next_order_id()
    assert odoo.post(SINGLE, odoo.payload(order_id)).status_code == 200
    [order] = odoo.orders([order_id])
    session_id = order["session_id"][0]
    odoo.call("pos.session", "action_pos_session_closing_control", [session_id])
    [session] = odoo.call(
        "pos.session", "read", [session_id], fields=["state", "move_id"]
    )
    assert session["state"] == "closed" and session["move_id"]
    [order] = odoo.orders([order_id])
    assert order["state"] == "done"


def test_api_key_never_in_server_log(sync_odoo):
    odoo = sync_odoo
    odoo.post(SINGLE, {"OrderID": "x"})
    # setup/test names the server's log: a test without it proves nothing
    assert odoo.server_log, "KARAGE_SERVER_LOG is not set"
    with open(odoo.server_log, encoding="utf-8", errors="replace") as log:
        text = log.read()
    assert "/api/v1/webhook/pos-order" in text  # the request was logged
    assert odoo.key not in text
