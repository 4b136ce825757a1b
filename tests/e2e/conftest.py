# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End-to-end fixtures: a running Odoo (started by setup/test) and its key."""

import itertools
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from karage_endpoints import SINGLE

BASE_URL = os.environ.get("KARAGE_BASE_URL")

pytestmark = pytest.mark.skipif(not BASE_URL, reason="no Odoo server to test")


class Odoo:
    """Talks to the served Odoo like Karage (webhook) and an admin (JSON-RPC)."""

    def __init__(self):
        self.url = BASE_URL
        self.key = os.environ["KARAGE_API_KEY"]
        self.db = os.environ["KARAGE_DB"]
        self.products = json.loads(os.environ["KARAGE_PRODUCTS"])
        # one log per node of a cluster, joined by os.pathsep
        self.server_logs = [
            path
            for path in os.environ.get("KARAGE_SERVER_LOG", "").split(os.pathsep)
            if path
        ]
        self.server_log = self.server_logs[0] if self.server_logs else None
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

    def post_storm(self, order_ids, copies, senders):
        """Post ``copies`` copies of each order at once from ``senders``
        threads. Returns each request's status code, or the name of the
        exception of a request that got no answer."""

        def send(order_id):
            try:
                return self.post(SINGLE, self.payload(order_id)).status_code
            except requests.RequestException as error:
                return type(error).__name__

        requests_ = [i for i in order_ids for _ in range(copies)]
        with ThreadPoolExecutor(max_workers=senders) as pool:
            return list(pool.map(send, requests_))

    def sql(self, query):
        """The rows of ``query``, run by psql on the served database (the
        PG* variables of setup/_common.sh name the server and role)."""
        out = subprocess.run(
            ["psql", "-X", "-q", "-tA", "-F", "\t", "-d", self.db, "-c", query],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]

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

    def admin(self, model, method, *args, **kwargs):
        """Call as the administrator (the new database's admin / admin)."""
        if not getattr(self, "_admin_uid", None):
            self._admin_uid = self.rpc(
                "common", "authenticate", self.db, "admin", "admin", {}
            )
        return self.rpc(
            "object",
            "execute_kw",
            self.db,
            self._admin_uid,
            "admin",
            model,
            method,
            list(args),
            kwargs,
        )

    @property
    def queue_mode(self):
        return bool(
            self.admin(
                "ir.module.module",
                "search_count",
                [("name", "=", "karage_pos_queue"), ("state", "=", "installed")],
            )
        )

    def set_single_sync(self, value):
        self.admin(
            "ir.config_parameter",
            "set_param",
            "karage_pos_queue.single_sync",
            str(value),
        )

    def session_get(self, path):
        return requests.get(self.url + path, timeout=60)

    def status(self, order_id):
        return requests.get(
            f"{self.url}/api/v1/webhook/pos-order/{order_id}",
            headers={"X-API-KEY": self.key},
            timeout=60,
        )

    def wait_states(self, order_ids, done=("done", "failed"), timeout=600):
        """Poll the status endpoint until every order is in ``done``."""
        deadline = time.time() + timeout
        pending = set(order_ids)
        states = {}
        while pending and time.time() < deadline:
            for order_id in list(pending):
                state = self.status(order_id).json()["data"]["state"]
                states[order_id] = state
                if state in done:
                    pending.discard(order_id)
            if pending:
                time.sleep(1)
        return states

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

    def assert_paid_once_with_done_pickings(self, order_ids):
        orders = self.orders(order_ids)
        assert sorted(int(o["external_order_id"]) for o in orders) == sorted(order_ids)
        assert {o["state"] for o in orders} == {"paid"}
        picking_ids = [pid for o in orders for pid in o["picking_ids"]]
        pickings = self.call("stock.picking", "read", picking_ids, fields=["state"])
        assert len(pickings) == len(order_ids)
        assert {p["state"] for p in pickings} == {"done"}

    def wait_paid(self, order_ids, timeout=1800):
        """Wait until every order is paid; stop early when a job failed.

        Returns the failed jobs of these orders (empty when all are paid).
        """
        wanted = [str(i) for i in order_ids]
        deadline = time.time() + timeout
        while time.time() < deadline:
            paid = self.admin(
                "pos.order",
                "search_count",
                [("external_order_id", "in", wanted), ("state", "=", "paid")],
            )
            failed = self.failed_jobs(order_ids)
            if paid == len(wanted) or failed:
                return failed
            time.sleep(1)
        raise AssertionError(f"only {paid} of {len(wanted)} orders paid in time")

    def failed_jobs(self, order_ids):
        return self.admin(
            "karage.pos.webhook.log",
            "search_read",
            [
                ("external_order_id", "in", [str(i) for i in order_ids]),
                ("job_id.state", "in", ["failed", "cancelled"]),
            ],
            fields=["external_order_id", "job_error"],
        )

    def move_balanced(self, move_id):
        """Whether journal entry ``move_id`` has equal debits and credits."""
        lines = self.admin(
            "account.move.line",
            "search_read",
            [("move_id", "=", move_id)],
            fields=["debit", "credit"],
        )
        assert lines
        debit = round(sum(line["debit"] for line in lines), 2)
        credit = round(sum(line["credit"] for line in lines), 2)
        return debit == credit

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
    # pytestmark above does not reach the test modules from a conftest
    if not BASE_URL:
        pytest.skip("no Odoo server to test (KARAGE_BASE_URL is not set)")
    return Odoo()


@pytest.fixture
def queue_odoo(odoo):
    """The served Odoo with karage_pos_queue, single orders queued too."""
    if not odoo.queue_mode:
        pytest.skip("karage_pos_queue is not installed on the served database")
    odoo.set_single_sync(False)
    return odoo


@pytest.fixture
def sync_odoo(odoo):
    """The served Odoo answering single orders synchronously (200 + order)."""
    if odoo.queue_mode:
        odoo.set_single_sync(True)
        yield odoo
        odoo.set_single_sync(False)
    else:
        yield odoo
