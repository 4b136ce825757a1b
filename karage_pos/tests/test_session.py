# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import KarageCase


@tagged("post_install", "-at_install")
class TestSession(KarageCase):
    def _sessions(self):
        return self.env["pos.session"].search([("config_id", "=", self.config.id)])

    def test_session_opened_when_none_is_open(self):
        self.assertFalse(self._sessions())
        order = self.import_order(self.payload())
        self.assertEqual(order.session_id.state, "opened")
        self.assertEqual(self._sessions(), order.session_id)

    def test_open_session_is_reused(self):
        first = self.import_order(self.payload(order_id=1))
        second = self.import_order(self.payload(order_id=2))
        self.assertEqual(first.session_id, second.session_id)
        self.assertEqual(len(self._sessions()), 1)

    def test_session_stuck_in_opening_control_is_opened(self):
        stuck = self.env["pos.session"].create(
            {"config_id": self.config.id, "user_id": self.pos_user.id}
        )
        self.assertEqual(stuck.state, "opening_control")
        order = self.import_order(self.payload())
        self.assertEqual(order.session_id, stuck)
        self.assertEqual(stuck.state, "opened")

    def test_config_found_by_name_keyword(self):
        self.company.karage_pos_config_id = False
        self.env["pos.config"].search([("id", "!=", self.config.id)]).write(
            {"name": "Shop Counter"}
        )
        order = self.import_order(self.payload())
        self.assertEqual(order.config_id, self.config)

    def test_closed_session_gets_a_new_one(self):
        first = self.import_order(self.payload(order_id=1))
        first.session_id.with_user(self.pos_user).action_pos_session_closing_control()
        second = self.import_order(self.payload(order_id=2))
        self.assertNotEqual(first.session_id, second.session_id)
        self.assertEqual(second.session_id.state, "opened")
