# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import KarageCase


@tagged("post_install", "-at_install")
class TestRetention(KarageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["karage.pos.webhook.log"]
        cls.env["ir.config_parameter"].sudo().set_param("karage_pos.retention_days", 30)

    def _log(self, code, order=None, days=31):
        """A webhook log created ``days`` ago."""
        log = self.Log._karage_record(
            "pos-order",
            {"OrderID": 1},
            code,
            {"status": "x"},
            external_order_id="1",
            pos_order_id=order.id if order else False,
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE karage_pos_webhook_log SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=days), log.id],
        )
        log.invalidate_recordset()
        return log

    def test_old_refused_log_is_deleted(self):
        refused = self._log(400)
        self.Log._cron_cleanup()
        self.assertFalse(refused.exists())

    def test_old_log_of_accepted_order_not_created_yet_is_kept(self):
        accepted = self._log(202)
        self.Log._cron_cleanup()
        self.assertTrue(accepted.exists())

    def test_old_log_with_its_order_is_deleted(self):
        order = self.import_order(self.payload(order_id=3101))
        created = self._log(200, order)
        linked_while_accepted = self._log(202, order)
        self.Log._cron_cleanup()
        self.assertFalse(created.exists())
        self.assertFalse(linked_while_accepted.exists())
        self.assertTrue(order.exists())

    def test_recent_logs_are_kept(self):
        recent = self._log(400, days=29)
        self.Log._cron_cleanup()
        self.assertTrue(recent.exists())

    def test_retention_zero_keeps_everything(self):
        self.env["ir.config_parameter"].sudo().set_param("karage_pos.retention_days", 0)
        refused = self._log(400, days=400)
        self.Log._cron_cleanup()
        self.assertTrue(refused.exists())

    def test_idempotency_cleanup_deletes_what_the_hook_allows(self):
        Key = self.env["karage.pos.idempotency"]
        allowed, other = Key.create(
            [
                {"key": "retention-a", "request_hash": "x", "state": "completed"},
                {"key": "retention-b", "request_hash": "x", "state": "completed"},
            ]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE karage_pos_idempotency SET create_date = %s WHERE id IN %s",
            [fields.Datetime.now() - timedelta(days=31), (allowed.id, other.id)],
        )
        (allowed | other).invalidate_recordset()

        def hook(records, limit_date):
            return [("create_date", "<", limit_date), ("key", "=", "retention-a")]

        with patch.object(
            self.registry["karage.pos.idempotency"], "_karage_cleanup_domain", hook
        ):
            Key._cron_cleanup()
        self.assertFalse(allowed.exists())
        self.assertTrue(other.exists())

    def test_cleanup_deletes_in_batches_until_nothing_is_left(self):
        refused = self.Log.browse()
        for _i in range(5):
            refused |= self._log(422)
        kept = self._log(202)
        LogClass = self.registry["karage.pos.webhook.log"]
        unlink = LogClass.unlink
        batches = []

        def counting_unlink(records):
            batches.append(len(records))
            return unlink(records)

        with (
            patch.object(LogClass, "_karage_cleanup_batch", 2),
            patch.object(LogClass, "unlink", counting_unlink),
        ):
            self.Log._cron_cleanup()
        self.assertEqual(batches, [2, 2, 1])
        self.assertFalse(refused.exists())
        self.assertTrue(kept.exists())
