# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import BULK, SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestBranches(KarageQueueHttpCase):
    """A branch the key's user may not send to is refused before the 202."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._branch("Karage North", "KNO")
        cls.south = cls._branch("Karage South", "KSO")
        cls.pos_user.karage_pos_config_ids = [Command.set(cls.north.ids)]

    def test_forbidden_branch_is_403_at_the_door_and_enqueues_nothing(self):
        code, body = self.post(
            SINGLE, self.payload(order_id=41, pos_config_id=self.south.id)
        )
        self.assertEqual(code, 403, body)
        self.assertIn("may not send orders to POS configuration", body["error"])
        self.assertFalse(self.jobs_of(41))
        log = self.log_of(41)
        self.assertEqual(log.status_code, 403)
        self.assertFalse(log.job_id)
        self.assertFalse(self.karage_orders())

    def test_unknown_branch_is_422_at_the_door(self):
        code, body = self.post(SINGLE, self.payload(order_id=42, pos_config_id=999999))
        self.assertEqual(code, 422, body)
        self.assertIn("pos_config_id", body["details"])
        self.assertFalse(self.jobs_of(42))

    def test_bulk_enqueues_only_the_orders_of_allowed_branches(self):
        orders = [
            self.payload(order_id=43),
            self.payload(order_id=44, pos_config_id=self.south.id),
        ]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [202, 403])
        self.assertEqual(len(self.jobs_of(43, 44)), 1)
        # the job runs as the user who enqueued it, whose branch it resolves
        self.run_job(self.log_of(43))
        self.assertEqual(self.karage_orders().config_id, self.north)

    def test_bound_key_reads_the_status_of_its_branches_only(self):
        self.pos_user.karage_pos_config_ids = [Command.clear()]
        self.post(SINGLE, self.payload(order_id=44, pos_config_id=self.south.id))
        self.run_job(self.log_of(44))
        self.assertEqual(self.get("/api/v1/webhook/pos-order/44")[0], 200)
        self.pos_user.karage_pos_config_ids = [Command.set(self.north.ids)]
        code, body = self.get("/api/v1/webhook/pos-order/44")
        self.assertEqual(code, 403, body)
        self.assertIsNone(body["data"])
