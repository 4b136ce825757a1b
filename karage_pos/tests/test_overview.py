# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged

from .common import SINGLE, KarageCase, KarageHttpCase

DAY1 = date(2025, 11, 27)
DAY2 = date(2025, 11, 28)


class OverviewMixin:
    """Orders of two branches over two days, each with the log the webhook
    writes for it, received at a chosen moment."""

    @classmethod
    def setup_overview_data(cls):
        cls.north = cls._branch("Karage North", "KNO")
        cls.south = cls._branch("Karage South", "KSO")
        cls.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.valid_statuses", "103,106"
        )

    def order_payload(self, order_id, config, when, quantity=1, mode=1, **values):
        net = 70.0 * quantity
        tax = round(net * 0.15, 2)
        return self.payload(
            order_id,
            pos_config_id=config.id,
            OrderDate=when.isoformat(),
            OrderItems=[
                {"OdooItemID": self.chair.id, "Price": 70.0, "Quantity": quantity}
            ],
            AmountTotal=net,
            Tax=tax,
            GrandTotal=net + tax,
            AmountPaid=net + tax,
            CheckoutDetails=[{"PaymentMode": mode, "AmountPaid": net + tax}],
            **values,
        )

    def log(self, payload, code, received, order=None, key=None):
        """The webhook log of ``payload``, as the service writes it."""
        log = self.env["karage.pos.webhook.log"]._karage_record(
            "pos-order",
            payload,
            code,
            {"status": "success" if code < 300 else "error"},
            external_order_id=key or str(payload["OrderID"]),
            pos_order_id=order.id if order else False,
        )
        log.flush_recordset()
        self.env.cr.execute(
            "UPDATE karage_pos_webhook_log SET create_date = %s WHERE id = %s",
            [received, log.id],
        )
        log.invalidate_recordset()
        return log

    def sell(self, order_id, config, when, **values):
        payload = self.order_payload(order_id, config, when, **values)
        order = self.import_order(payload)
        self.log(payload, 200, when, order)
        return order

    def refund(self, order_id, config, when, quantity=-1, mode=2):
        payload = self.order_payload(
            order_id, config, when, quantity=quantity, mode=mode, OrderStatus=106
        )
        order = self.import_order(payload)
        self.log(payload, 200, when, order, key=order.external_order_id)
        return order

    def refuse(self, order_id, config, when, code=422):
        payload = self.order_payload(order_id, config, when)
        return self.log(payload, code, when)

    def row(self, config, day):
        # the view's rows keep their id as their figures change
        self.env.invalidate_all()
        return self.env["karage.pos.overview"].search(
            [("config_id", "=", config.id), ("day", "=", day)]
        )


@tagged("post_install", "-at_install")
class TestOverview(KarageCase, OverviewMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_overview_data()

    def setUp(self):
        super().setUp()
        at = datetime(2025, 11, 27, 10, 0)
        self.s101 = self.sell(101, self.north, at)
        self.s102 = self.sell(102, self.north, at.replace(hour=11), quantity=2, mode=2)
        self.r102 = self.refund(102, self.north, at.replace(hour=12))
        self.f103 = self.refuse(103, self.north, at.replace(hour=13))
        # Karage sent 101 again: a duplicate is received, not failed
        self.d101 = self.log(self.order_payload(101, self.north, at), 409, at)
        self.s104 = self.sell(104, self.north, datetime(2025, 11, 28, 9, 0))
        self.s201 = self.sell(201, self.south, at, mode=2)
        # the same refusal twice is one failed order
        self.f202 = self.refuse(202, self.south, at) | self.refuse(202, self.south, at)

    def test_figures_per_branch_and_day(self):
        north1 = self.row(self.north, DAY1)
        self.assertRecordValues(
            north1,
            [
                {
                    "received_count": 4,  # 101, 102, 102:refund, 103
                    "paid_count": 2,
                    "paid_amount": 241.5,
                    "refund_count": 1,
                    "refund_amount": 80.5,
                    "failed_count": 1,
                    "last_order_at": datetime(2025, 11, 27, 12, 0),
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertRecordValues(
            self.row(self.north, DAY2),
            [{"received_count": 1, "paid_count": 1, "paid_amount": 80.5}],
        )
        self.assertRecordValues(
            self.row(self.south, DAY1),
            [
                {
                    "received_count": 2,
                    "paid_count": 1,
                    "paid_amount": 80.5,
                    "refund_count": 0,
                    "failed_count": 1,
                }
            ],
        )
        self.assertFalse(self.row(self.south, DAY2))

    def test_amounts_per_payment_method(self):
        north_cash = self.s101.payment_ids.payment_method_id
        payments = self.row(self.north, DAY1).payment_ids
        amounts = {p.payment_method_id: (p.amount, p.order_count) for p in payments}
        # the card refund is taken off the card sale
        self.assertEqual(amounts, {north_cash: (80.5, 1), self.bank_method: (80.5, 2)})
        self.assertEqual(
            self.row(self.south, DAY1).payment_ids.mapped("amount"), [80.5]
        )

    def test_buttons_open_the_records_of_the_row(self):
        row = self.row(self.north, DAY1)
        self.assertEqual(self.opened(row.action_open_paid()), self.s101 | self.s102)
        self.assertEqual(self.opened(row.action_open_refunded()), self.r102)
        self.assertEqual(self.opened(row.action_open_failed()), self.f103)
        received = self.opened(row.action_open_received())
        self.assertEqual(len(received), 5)
        self.assertEqual(
            set(received.mapped("external_order_id")),
            {"101", "102", "102:refund", "103"},
        )
        self.assertEqual(
            self.opened(self.row(self.south, DAY1).action_open_failed()), self.f202
        )

    def opened(self, action):
        return self.env[action["res_model"]].search(action["domain"])

    def test_an_order_that_fails_then_succeeds_is_not_failed(self):
        at = datetime(2025, 11, 28, 10, 0)
        self.refuse(105, self.north, at)
        self.assertEqual(self.row(self.north, DAY2).failed_count, 1)
        self.sell(105, self.north, at.replace(hour=11))
        self.assertEqual(self.row(self.north, DAY2).failed_count, 0)
        self.assertEqual(self.row(self.north, DAY2).received_count, 2)

    def test_day_is_local_to_the_karage_time_zone(self):
        self.company.karage_pos_timezone = "Asia/Riyadh"
        # 01:30 on the 29th in Riyadh is 22:30 UTC on the 28th
        late = self.sell(
            106, self.south, datetime.fromisoformat("2025-11-29T01:30:00+03:00")
        )
        self.assertEqual(late.date_order, datetime(2025, 11, 28, 22, 30))
        row = self.row(self.south, date(2025, 11, 29))
        self.assertEqual(row.paid_count, 1)
        self.assertEqual(self.opened(row.action_open_paid()), late)
        self.assertFalse(self.row(self.south, DAY2))

    def test_pivot_totals_by_branch(self):
        groups = self.env["karage.pos.overview"].read_group(
            [("config_id", "in", (self.north | self.south).ids)],
            ["paid_count:sum", "paid_amount:sum", "failed_count:sum"],
            ["config_id"],
        )
        totals = {
            g["config_id"][0]: (g["paid_count"], g["paid_amount"]) for g in groups
        }
        self.assertEqual(totals, {self.north.id: (3, 322.0), self.south.id: (1, 80.5)})


@tagged("post_install", "-at_install")
class TestWebhookLogBranch(KarageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._branch("Karage North", "KNO")

    def record(self, payload, **values):
        return self.env["karage.pos.webhook.log"]._karage_record(
            "pos-order", payload, 422, {"error": "refused"}, **values
        )

    def test_branch_named_by_the_payload(self):
        log = self.record({"OrderID": 1, "pos_config_id": self.north.id})
        self.assertEqual(log.pos_config_id, self.north)

    def test_branch_of_the_created_order(self):
        order = self.import_order(self.payload(2, pos_config_id=self.north.id))
        log = self.record({"OrderID": 2}, pos_order_id=order.id)
        self.assertEqual(log.pos_config_id, self.north)

    def test_otherwise_the_branch_the_order_would_go_to(self):
        # none, not an id, beyond PostgreSQL's integer, no such configuration
        # of this company (the search is limited to it)
        unknown = self.env["pos.config"].search([], order="id desc", limit=1).id + 99
        for sent in (None, "north", 2**40, unknown, True):
            with self.subTest(sent=sent):
                log = self.record({"OrderID": 3, "pos_config_id": sent})
                self.assertEqual(log.pos_config_id, self.config)
        self.assertEqual(self.record(["not", "an", "order"]).pos_config_id, self.config)

    def test_user_bound_to_one_branch(self):
        self.pos_user.karage_pos_config_ids = [Command.set(self.north.ids)]
        Log = self.env["karage.pos.webhook.log"].with_user(self.pos_user)
        log = Log._karage_record("pos-order", {"OrderID": 4}, 400, {})
        self.assertEqual(log.pos_config_id, self.north)


@tagged("post_install", "-at_install")
class TestOverviewHttp(KarageHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._branch("Karage North", "KNO")

    def test_webhook_logs_and_counts_each_branch(self):
        code, body = self.post(SINGLE, self.payload(7001, pos_config_id=self.north.id))
        self.assertEqual(code, 200, body)
        unknown = self.payload(7002, pos_config_id=self.north.id)
        unknown["OrderItems"][0].update(OdooItemID=999999999, ItemName="Nothing Such")
        code, body = self.post(SINGLE, unknown)
        self.assertEqual(code, 422, body)
        logs = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "in", ("7001", "7002"))]
        )
        self.assertEqual(logs.pos_config_id, self.north)
        rows = self.env["karage.pos.overview"].search(
            [("config_id", "=", self.north.id)]
        )
        self.assertEqual(sum(rows.mapped("received_count")), 2)
        self.assertEqual(sum(rows.mapped("paid_count")), 1)
        self.assertEqual(sum(rows.mapped("failed_count")), 1)
