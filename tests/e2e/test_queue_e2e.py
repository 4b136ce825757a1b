# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""karage_pos_queue over real HTTP: workers and the job runner.

The killed-worker test is R2 in test_reliability_e2e.py.
"""

import time

from karage_endpoints import BULK, SINGLE


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
    odoo.assert_paid_once_with_done_pickings(bulk_ids + single_ids)
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
