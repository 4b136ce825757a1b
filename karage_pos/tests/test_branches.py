# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BULK, SINGLE, KarageCase, KarageDataMixin, KarageHttpCase


class BranchDataMixin(KarageDataMixin):
    """Two branches besides the company's Karage configuration, and an
    integration user bound to the north branch."""

    @classmethod
    def setup_branch_data(cls):
        cls.north = cls._branch("Karage North", "KNO")
        cls.south = cls._branch("Karage South", "KSO")
        cls.north_user = cls._pos_user(
            "karage_north_till", karage_pos_config_ids=[Command.set(cls.north.ids)]
        )

    def karage_order(self, order_id):
        return self.karage_orders().filtered(
            lambda o: o.external_order_id == str(order_id)
        )


@tagged("post_install", "-at_install")
class TestBranchesHttp(KarageHttpCase, BranchDataMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_branch_data()
        cls.north_key = cls._key(cls.north_user)

    def logs_of(self, order_id):
        return self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", str(order_id))]
        )

    # routing ------------------------------------------------------------

    def test_order_goes_to_the_branch_it_names(self):
        code, body = self.post(SINGLE, self.payload(1, pos_config_id=self.north.id))
        self.assertEqual(code, 200, body)
        order = self.karage_order(1)
        self.assertEqual(order.config_id, self.north)
        self.assertEqual(order.session_id.config_id, self.north)
        self.assertEqual(order.session_id.state, "opened")

    def test_order_without_branch_goes_to_the_default_configuration(self):
        code, body = self.post(SINGLE, self.payload(2))
        self.assertEqual(code, 200, body)
        self.assertEqual(self.karage_order(2).config_id, self.config)

    def test_branch_of_the_bulk_applies_to_orders_that_name_none(self):
        orders = [
            self.payload(11),
            self.payload(12, pos_config_id=self.north.id),
            self.payload(13),
        ]
        code, body = self.post(BULK, {"pos_config_id": self.south.id, "orders": orders})
        self.assertEqual(code, 200, body)
        self.assertEqual(
            [r["status_code"] for r in body["data"]["results"]], [200, 200, 200]
        )
        south = self.karage_order(11) | self.karage_order(13)
        north = self.karage_order(12)
        self.assertEqual(south.config_id, self.south)
        self.assertEqual(north.config_id, self.north)
        # each branch has its own session and its own figures
        self.assertEqual(len(south.session_id), 1)
        self.assertNotEqual(south.session_id, north.session_id)
        self.assertEqual(south.session_id.order_ids, south)
        self.assertEqual(north.session_id.order_ids, north)
        self.assertAlmostEqual(
            sum(south.session_id.order_ids.mapped("amount_total")), 161.0
        )
        self.assertAlmostEqual(
            sum(north.session_id.order_ids.mapped("amount_total")), 80.5
        )
        self.assertLessEqual(
            south.payment_ids.payment_method_id, self.south.payment_method_ids
        )

    def test_stock_leaves_the_branchs_own_warehouse(self):
        code, body = self.post(SINGLE, self.payload(3, pos_config_id=self.south.id))
        self.assertEqual(code, 200, body)
        picking = self.karage_order(3).picking_ids
        self.assertEqual(picking.picking_type_id, self.south.picking_type_id)
        self.assertEqual(
            picking.location_id,
            self.south.picking_type_id.warehouse_id.lot_stock_id,
        )
        self.assertNotEqual(
            picking.location_id, self.config.picking_type_id.default_location_src_id
        )

    def test_order_ids_are_unique_per_company_across_branches(self):
        code, __ = self.post(SINGLE, self.payload(4, pos_config_id=self.north.id))
        self.assertEqual(code, 200)
        code, body = self.post(SINGLE, self.payload(4, pos_config_id=self.south.id))
        self.assertEqual(code, 409, body)
        self.assertEqual(self.karage_order(4).config_id, self.north)

    # refusals -------------------------------------------------------------

    def test_unknown_configuration_is_422_naming_pos_config_id(self):
        archived = self._branch("Karage Closed", "KCL")
        archived.active = False
        for config_id in (999999, archived.id):
            code, body = self.post(SINGLE, self.payload(5, pos_config_id=config_id))
            self.assertEqual(code, 422, body)
            self.assertEqual(body["error"], f"POS configuration {config_id} not found")
            self.assertIn("pos_config_id", body["details"])
        self.assertFalse(self.karage_orders())

    def test_configuration_of_another_company_is_422(self):
        other = self.env["res.company"].create({"name": "Karage Elsewhere"})
        config = self._branch("Elsewhere POS", "KEW")
        # a company without a chart of accounts cannot create one itself
        self.env.cr.execute(
            "UPDATE pos_config SET company_id = %s WHERE id = %s", [other.id, config.id]
        )
        config.invalidate_recordset()
        code, body = self.post(SINGLE, self.payload(6, pos_config_id=config.id))
        self.assertEqual(code, 422, body)
        self.assertIn("pos_config_id", body["details"])
        self.assertFalse(self.karage_orders())

    def test_bound_key_sending_to_another_branch_is_403_and_writes_nothing(self):
        code, body = self.post(
            SINGLE, self.payload(7, pos_config_id=self.south.id), key=self.north_key
        )
        self.assertEqual(code, 403, body)
        self.assertEqual(
            body["error"],
            "API key user karage_north_till may not send orders to POS "
            "configuration Karage South",
        )
        self.assertFalse(self.karage_orders())
        self.assertFalse(
            self.env["pos.session"].search([("config_id", "=", self.south.id)])
        )
        self.assertEqual(self.logs_of(7).mapped("status_code"), [403])
        self.assertFalse(self.logs_of(7).pos_order_id)
        # the refusal does not burn the OrderID: its own branch takes it
        code, body = self.post(
            SINGLE, self.payload(7, pos_config_id=self.north.id), key=self.north_key
        )
        self.assertEqual(code, 200, body)
        self.assertEqual(self.karage_order(7).config_id, self.north)

    def test_bound_key_without_branch_goes_to_its_branch(self):
        code, body = self.post(SINGLE, self.payload(8), key=self.north_key)
        self.assertEqual(code, 200, body)
        self.assertEqual(self.karage_order(8).config_id, self.north)

    def test_key_bound_to_two_branches_must_name_one(self):
        self.north_user.karage_pos_config_ids = self.north | self.south
        # the company's Karage configuration is not among its branches
        code, body = self.post(SINGLE, self.payload(9), key=self.north_key)
        self.assertEqual(code, 403, body)
        code, body = self.post(
            SINGLE, self.payload(9, pos_config_id=self.south.id), key=self.north_key
        )
        self.assertEqual(code, 200, body)
        self.assertEqual(self.karage_order(9).config_id, self.south)

    def test_forbidden_branch_refuses_only_its_orders_in_a_bulk(self):
        orders = [self.payload(21), self.payload(22, pos_config_id=self.south.id)]
        code, body = self.post(BULK, {"orders": orders}, key=self.north_key)
        self.assertEqual(code, 200, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [200, 403])
        self.assertEqual(self.karage_orders(), self.karage_order(21))
        self.assertEqual(self.karage_order(21).config_id, self.north)

    def test_bound_key_may_not_refund_a_sale_of_another_branch(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.valid_statuses", "103,106"
        )
        code, body = self.post(SINGLE, self.payload(31, pos_config_id=self.south.id))
        self.assertEqual(code, 200, body)
        refund = self.refund_payload(31)
        code, body = self.post(SINGLE, refund, key=self.north_key)
        self.assertEqual(code, 403, body)
        self.assertEqual(self.karage_orders(), self.karage_order(31))

    def test_an_archived_branch_narrows_a_binding_never_widens_it(self):
        self.north.active = False
        code, body = self.post(SINGLE, self.payload(32), key=self.north_key)
        self.assertEqual(code, 403, body)
        self.assertFalse(self.karage_orders())


@tagged("post_install", "-at_install")
class TestBranchBinding(KarageCase, BranchDataMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._branch("Karage North", "KNO")

    def test_pos_user_cannot_bind_itself_to_branches(self):
        user = self.pos_user.with_user(self.pos_user)
        with self.assertRaises(AccessError):
            user.write({"karage_pos_config_ids": [Command.set(self.north.ids)]})
        with self.assertRaises(AccessError):
            user.sudo(False).read(["karage_pos_config_ids"])
        self.assertFalse(self.pos_user.karage_pos_config_ids)

    def test_administrator_binds_a_user_on_its_form(self):
        admin = self.env.ref("base.user_admin")
        self.pos_user.with_user(admin).karage_pos_config_ids = self.north
        self.assertEqual(self.pos_user.karage_pos_config_ids, self.north)
        form = self.env.ref("base.view_users_form")
        arch = self.env["res.users"].with_user(admin).get_view(form.id)["arch"]
        self.assertIn('name="karage_pos_config_ids"', arch)

    def test_bound_user_imports_into_its_branch(self):
        self.pos_user.karage_pos_config_ids = self.north
        order = self.import_order(self.payload(31))
        self.assertEqual(order.config_id, self.north)
