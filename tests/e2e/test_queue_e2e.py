# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""karage_pos_queue over real HTTP: workers, the job runner, a killed worker."""

import os
import signal
import subprocess
import time

import pytest

SINGLE = "/api/v1/webhook/pos-order"
BULK = "/api/v1/webhook/pos-order/bulk"


@pytest.fixture
def queue_odoo(odoo):
    if not odoo.queue_mode:
        pytest.skip("karage_pos_queue is not installed on the served database")
    odoo.set_single_sync(False)
    return odoo


def _assert_paid_once_with_done_pickings(odoo, order_ids):
    orders = odoo.orders(order_ids)
    assert sorted(int(o["external_order_id"]) for o in orders) == sorted(order_ids)
    assert {o["state"] for o in orders} == {"paid"}
    picking_ids = [pid for o in orders for pid in o["picking_ids"]]
    pickings = odoo.call("stock.picking", "read", picking_ids, fields=["state"])
    assert len(pickings) == len(order_ids)
    assert {p["state"] for p in pickings} == {"done"}


def test_bulk_of_100_and_single_orders_end_paid(queue_odoo, capsys):
    odoo = queue_odoo
    bulk_ids = [odoo.next_order_id() for _ in range(100)]
    started = time.perf_counter()
    response = odoo.post(BULK, {"orders": [odoo.payload(i) for i in bulk_ids]})
    bulk_accept = time.perf_counter() - started
    assert response.status_code == 202, response.text
    results = response.json()["data"]["results"]
    assert {r["data"]["state"] for r in results} == {"queued"}
    single_ids, latencies = [], []
    for _ in range(5):
        order_id = odoo.next_order_id()
        started = time.perf_counter()
        response = odoo.post(SINGLE, odoo.payload(order_id))
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 202, response.text
        single_ids.append(order_id)
    started = time.perf_counter()
    states = odoo.wait_states(bulk_ids + single_ids)
    elapsed = time.perf_counter() - started
    assert set(states.values()) == {"done"}, states
    _assert_paid_once_with_done_pickings(odoo, bulk_ids + single_ids)
    with capsys.disabled():
        print(
            f"\nqueue: 100-order bulk accepted in {bulk_accept * 1000:.0f} ms; single "
            f"acceptance max {max(latencies) * 1000:.0f} ms; "
            f"{len(states) / (elapsed + bulk_accept):.1f} orders/s to paid"
        )


def test_order_failing_for_missing_tax_ends_paid_after_fix_and_requeue(queue_odoo):
    odoo = queue_odoo
    product_id = odoo.admin(
        "product.product",
        "create",
        {
            "name": f"Untaxed e2e {odoo.next_order_id()}",
            "list_price": 70.0,
            "available_in_pos": True,
            "is_storable": True,
            "taxes_id": [(6, 0, [])],
        },
    )
    order_id = odoo.next_order_id()
    payload = odoo.payload(order_id)
    payload["OrderItems"][0]["OdooItemID"] = product_id
    assert odoo.post(SINGLE, payload).status_code == 202
    assert odoo.wait_states([order_id]) == {order_id: "failed"}
    error = odoo.status(order_id).json()["data"]["error"]
    assert error.startswith("Failed to confirm order: Order is not fully paid")
    tax_ids = odoo.admin(
        "account.tax",
        "search",
        [("type_tax_use", "=", "sale"), ("amount", "=", 15.0)],
        limit=1,
    )
    odoo.admin(
        "product.product", "write", [product_id], {"taxes_id": [(6, 0, tax_ids)]}
    )
    log_ids = odoo.admin(
        "karage.pos.webhook.log", "search", [("external_order_id", "=", str(order_id))]
    )
    odoo.admin("karage.pos.webhook.log", "action_requeue", log_ids)
    assert odoo.wait_states([order_id], done=("done",), timeout=120) == {
        order_id: "done"
    }
    assert [o["state"] for o in odoo.orders([order_id])] == ["paid"]


def _children(pid):
    out = subprocess.run(
        ["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def test_worker_killed_mid_bulk_loses_and_duplicates_nothing(queue_odoo):
    odoo = queue_odoo
    server = os.environ.get("KARAGE_SERVER_PID")
    if not server:
        pytest.skip("the server process is not known")
    order_ids = [odoo.next_order_id() for _ in range(60)]
    response = odoo.post(BULK, {"orders": [odoo.payload(i) for i in order_ids]})
    assert response.status_code == 202
    # wait until jobs run, then kill every worker process of the server
    deadline = time.time() + 120
    while time.time() < deadline and not odoo.orders(order_ids):
        time.sleep(0.5)
    killed = _children(int(server))
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    assert killed
    states = odoo.wait_states(order_ids, done=("done",), timeout=600)
    assert set(states.values()) == {"done"}, states
    _assert_paid_once_with_done_pickings(odoo, order_ids)
