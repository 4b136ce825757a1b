# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestWebhookLog(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Log = cls.env["karage.pos.webhook.log"]
        cls.wanted = Log._karage_record(
            "pos-order",
            {"OrderID": 7730001},
            202,
            {"status": "accepted"},
            external_order_id="7730001",
        )
        cls.other = Log._karage_record(
            "pos-order/bulk",
            {"OrderID": 8840002},
            400,
            {"error": "refused"},
            external_order_id="8840002",
        )

    @contextmanager
    def _display_name_search_terminates(self):
        """Fail, instead of looping forever, when display_name is searched
        through itself (``_rec_name = "display_name"`` makes the domain
        parser expand the same leaf without end)."""
        LogClass = self.registry["karage.pos.webhook.log"]
        search_display_name = LogClass._search_display_name
        calls = []

        def guarded(records, operator, value):
            calls.append(value)
            if len(calls) > 10:
                raise AssertionError("display_name is searched through itself")
            return search_display_name(records, operator, value)

        with patch.object(LogClass, "_search_display_name", guarded):
            yield

    def test_display_name_is_endpoint_and_order_id(self):
        self.assertEqual(self.wanted.display_name, "pos-order 7730001")

    def test_name_search_finds_log_by_order_id(self):
        with self._display_name_search_terminates():
            found = self.env["karage.pos.webhook.log"].name_search("7730001")
        self.assertEqual(found, [(self.wanted.id, "pos-order 7730001")])

    def test_search_on_display_name_finds_log_by_order_id(self):
        with self._display_name_search_terminates():
            found = self.env["karage.pos.webhook.log"].search(
                [("display_name", "ilike", "7730001")]
            )
        self.assertEqual(found, self.wanted)

    def test_search_on_display_name_finds_logs_by_endpoint(self):
        with self._display_name_search_terminates():
            found = self.env["karage.pos.webhook.log"].search(
                [("display_name", "ilike", "pos-order/bulk")]
            )
        self.assertEqual(found, self.other)
