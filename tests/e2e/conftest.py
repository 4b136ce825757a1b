# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End-to-end fixtures: a running Odoo (started by setup/test) and its key."""

import itertools
import json
import os
import time

import pytest
import requests

BASE_URL = os.environ.get("KARAGE_BASE_URL")

pytestmark = pytest.mark.skipif(not BASE_URL, reason="no Odoo server to test")


class Odoo:
    """Talks to the served Odoo like Karage (webhook) and an admin (JSON-RPC)."""

    def __init__(self):
        self.url = BASE_URL
        self.key = os.environ["KARAGE_API_KEY"]
        self.db = os.environ["KARAGE_DB"]
        self.products = json.loads(os.environ["KARAGE_PRODUCTS"])
        self.server_log = os.environ.get("KARAGE_SERVER_LOG")
        self.uid = self.rpc(
            "common", "authenticate", self.db, "karage_integration", self.key, {}
        )
        self._ids = itertools.count(int(time.time() * 1000) % 10**9)

    def next_order_id(self):
        return next(self._ids)

    def post(self, path, body, key=None, headers=None, timeout=120):
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if key is not False:
            all_headers["X-API-KEY"] = key or self.key
        return requests.post(
            self.url + path, data=json.dumps(body), headers=all_headers, timeout=timeout
        )

    def rpc(self, service, method, *args):
        response = requests.post(
            self.url + "/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            },
            timeout=120,
        ).json()
        if "error" in response:
            raise AssertionError(response["error"])
        return response["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.key,
            model,
            method,
            list(args),
            kwargs,
        )

    def payload(self, order_id, product="Office Chair", price=70.0, qty=1):
        net = price * qty
        tax = round(net * 0.15, 2)
        return {
            "OrderID": order_id,
            "OrderDate": "2025-11-27T14:30:00",
            "AmountPaid": round(net + tax, 2),
            "AmountTotal": net,
            "GrandTotal": round(net + tax, 2),
            "Tax": tax,
            "TaxPercent": 15.0,
            "OrderStatus": 103,
            "PaymentMode": 1,
            "OrderItems": [
                {
                    "OdooItemID": self.products[product],
                    "ItemName": product,
                    "Price": price,
                    "Quantity": qty,
                    "DiscountAmount": 0.0,
                }
            ],
            "CheckoutDetails": [{"PaymentMode": 1, "AmountPaid": round(net + tax, 2)}],
        }

    def orders(self, order_ids):
        return self.call(
            "pos.order",
            "search_read",
            [("external_order_id", "in", [str(i) for i in order_ids])],
            fields=[
                "state",
                "external_order_id",
                "picking_ids",
                "session_id",
                "amount_total",
            ],
        )

    def close_sessions(self):
        sessions = self.call(
            "pos.session", "search_read", [("state", "!=", "closed")], fields=["id"]
        )
        for session in sessions:
            self.call(
                "pos.session", "action_pos_session_closing_control", [session["id"]]
            )
        return [s["id"] for s in sessions]


@pytest.fixture(scope="session")
def odoo():
    return Odoo()
