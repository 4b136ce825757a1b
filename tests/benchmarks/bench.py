# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Karage against Odoo's native paths, measured in one run on one database.

Run by ``setup/bench`` against a served Odoo (workers + job runner). Every
figure is a ratio taken side by side, never an absolute time:

- P1 throughput: a bulk of N Karage orders over HTTP until all are paid,
  against the same orders sent one per call to ``pos.order.sync_from_ui``;
- P2 acceptance latency p50/p99 with 8 concurrent clients, against
  ``/jsonrpc`` ``execute_kw`` creating one record with the same API key;
- P3 time to accept a bulk of 1000 orders as a share of its processing.
"""

import itertools
import json
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

URL = os.environ["KARAGE_BASE_URL"]
KEY = os.environ["KARAGE_API_KEY"]
DB = os.environ["KARAGE_DB"]
PRODUCTS = json.loads(os.environ["KARAGE_PRODUCTS"])
N = int(os.environ.get("KARAGE_BENCH_ORDERS", "200"))
BULK_P3 = int(os.environ.get("KARAGE_BENCH_P3_ORDERS", "1000"))
IDS = itertools.count(int(time.time()) * 1000)
SESSION = requests.Session()


def rpc(service, method, *args):
    body = {"jsonrpc": "2.0", "method": "call"}
    body["params"] = {"service": service, "method": method, "args": args}
    response = SESSION.post(URL + "/jsonrpc", json=body, timeout=600).json()
    if "error" in response:
        raise RuntimeError(response["error"]["data"]["message"])
    return response["result"]


UID = rpc("common", "authenticate", DB, "karage_integration", KEY, {})


def call(model, method, *args, **kwargs):
    return rpc("object", "execute_kw", DB, UID, KEY, model, method, list(args), kwargs)


def karage_order(order_id):
    return {
        "OrderID": order_id,
        "OrderDate": "2025-11-27T14:30:00",
        "AmountPaid": 80.5,
        "AmountTotal": 70.0,
        "GrandTotal": 80.5,
        "Tax": 10.5,
        "TaxPercent": 15.0,
        "OrderStatus": 103,
        "OrderItems": [
            {"OdooItemID": PRODUCTS["Office Chair"], "Price": 70.0, "Quantity": 1}
        ],
        "CheckoutDetails": [{"PaymentMode": 1, "AmountPaid": 80.5}],
    }


def post(path, body):
    return SESSION.post(
        URL + path,
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "X-API-KEY": KEY},
        timeout=600,
    )


def wait_paid(order_ids, timeout=3600):
    wanted = [str(i) for i in order_ids]
    deadline = time.time() + timeout
    while time.time() < deadline:
        paid = call(
            "pos.order",
            "search_count",
            [("external_order_id", "in", wanted), ("state", "=", "paid")],
        )
        if paid == len(wanted):
            return
        time.sleep(0.5)
    raise RuntimeError(f"only {paid}/{len(wanted)} orders paid in time")


def native_context():
    # the first Karage order opens the session the native orders go to
    order_id = next(IDS)
    post("/api/v1/webhook/pos-order", karage_order(order_id))
    wait_paid([order_id])
    [order] = call(
        "pos.order",
        "search_read",
        [("external_order_id", "=", str(order_id))],
        fields=["session_id", "config_id"],
    )
    [config] = call(
        "pos.config",
        "read",
        [order["config_id"][0]],
        fields=["payment_method_ids", "pricelist_id"],
    )
    methods = call(
        "pos.payment.method",
        "read",
        config["payment_method_ids"],
        fields=["is_cash_count"],
    )
    [tax_ids] = [
        p["taxes_id"]
        for p in call(
            "product.product", "read", [PRODUCTS["Office Chair"]], fields=["taxes_id"]
        )
    ]
    return {
        "session_id": order["session_id"][0],
        "pricelist_id": config["pricelist_id"] and config["pricelist_id"][0],
        "cash": next(m["id"] for m in methods if m["is_cash_count"]),
        "tax_ids": tax_ids,
    }


def native_order(ctx):
    """An order as Odoo's own POS front end sends it to sync_from_ui."""
    order_uuid = str(uuid.uuid4())
    return {
        "uuid": order_uuid,
        "name": f"Order {order_uuid}",
        "session_id": ctx["session_id"],
        "user_id": UID,
        "pricelist_id": ctx["pricelist_id"],
        "date_order": "2025-11-27 14:30:00",
        "amount_paid": 80.5,
        "amount_return": 0,
        "amount_tax": 10.5,
        "amount_total": 80.5,
        "partner_id": False,
        "to_invoice": False,
        "sequence_number": 1,
        "lines": [
            [
                0,
                0,
                {
                    "product_id": PRODUCTS["Office Chair"],
                    "qty": 1,
                    "price_unit": 70.0,
                    "discount": 0,
                    "tax_ids": [[6, 0, ctx["tax_ids"]]],
                    "price_subtotal": 70.0,
                    "price_subtotal_incl": 80.5,
                },
            ]
        ],
        "payment_ids": [[0, 0, {"amount": 80.5, "payment_method_id": ctx["cash"]}]],
    }


def p1(ctx):
    native_started = time.perf_counter()
    for _ in range(N):
        call("pos.order", "sync_from_ui", [native_order(ctx)])
    native = time.perf_counter() - native_started
    ids = [next(IDS) for _ in range(N)]
    started = time.perf_counter()
    response = post("/api/v1/webhook/pos-order/bulk", [karage_order(i) for i in ids])
    assert response.status_code in (200, 202), response.text
    wait_paid(ids)
    karage = time.perf_counter() - started
    return native / karage, N / karage, N / native


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def timed(fn, count, clients=8):
    def run(_):
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(run, range(count)))


def p2():
    count = 200

    def karage():
        response = post("/api/v1/webhook/pos-order", karage_order(next(IDS)))
        assert response.status_code in (200, 202), response.text

    def native():
        call("res.partner", "create", {"name": f"Bench {next(IDS)}"})

    karage_times = timed(karage, count)
    native_times = timed(native, count)
    return (
        percentile(karage_times, 0.5) / percentile(native_times, 0.5),
        percentile(karage_times, 0.99) / percentile(native_times, 0.99),
        statistics.median(karage_times) * 1000,
    )


def p3():
    ids = [next(IDS) for _ in range(BULK_P3)]
    started = time.perf_counter()
    response = post("/api/v1/webhook/pos-order/bulk", [karage_order(i) for i in ids])
    accepted = time.perf_counter() - started
    assert response.status_code == 202, response.text
    wait_paid(ids)
    total = time.perf_counter() - started
    return accepted / total


def main():
    ctx = native_context()
    rows = []
    ratio, karage_rate, native_rate = p1(ctx)
    rows.append(
        (
            "P1 throughput vs sync_from_ui",
            f"{ratio:.2f}x ({karage_rate:.1f} vs {native_rate:.1f} orders/s, N={N})",
            ">= 2x",
            ratio >= 2,
        )
    )
    p50, p99, median_ms = p2()
    rows.append(
        (
            "P2 acceptance p50 vs execute_kw create",
            f"{p50:.2f}x (karage median {median_ms:.0f} ms)",
            "-",
            True,
        )
    )
    rows.append(
        ("P2 acceptance p99 vs execute_kw create", f"{p99:.2f}x", "<= 1.5x", p99 <= 1.5)
    )
    share = p3()
    rows.append(
        (
            f"P3 accept share of a {BULK_P3}-order bulk",
            f"{share:.1%}",
            "<= 5%",
            share <= 0.05,
        )
    )
    print()
    for name, value, target, met in rows:
        print(f"{name:<42} {value:<48} target {target:<8} {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
