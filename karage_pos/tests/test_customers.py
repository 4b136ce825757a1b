# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from ..exceptions import KaragePosError
from ..services.pos_order_service import KaragePosOrderService
from .common import KarageCase


@tagged("post_install", "-at_install")
class TestCustomers(KarageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Karage Fleet Customer", "ref": "KC-0042"}
        )
        cls.walk_in = cls.env["res.partner"].create({"name": "Karage Walk-in"})
        cls.credit_method = cls.env["pos.payment.method"].create(
            {"name": "Karage Customer Account", "split_transactions": True}
        )
        cls.config.payment_method_ids = [Command.link(cls.credit_method.id)]
        cls.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.valid_statuses", "103,106"
        )

    def credit_payload(self, order_id=4001, **overrides):
        payload = self.payload(order_id, **overrides)
        payload["CheckoutDetails"] = [{"PaymentMode": 3, "AmountPaid": 80.5}]
        return payload

    def test_customer_by_id_is_invoiced_through_the_pos(self):
        order = self.import_order(self.payload(partner_id=self.customer.id))
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.state, "invoiced")
        invoice = order.account_move
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertAlmostEqual(invoice.amount_total, 80.5)

    def test_customer_by_reference(self):
        order = self.import_order(self.payload(customer_ref="KC-0042"))
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.state, "invoiced")

    def test_unknown_customer_refused_naming_it(self):
        with self.assertRaisesRegex(
            KaragePosError, "Customer not found: partner_id"
        ) as r:
            self.import_order(self.payload(partner_id=999999))
        self.assertEqual(r.exception.status, 422)
        self.assertIn("partner_id", r.exception.details)
        with self.assertRaisesRegex(KaragePosError, "Reference 'NOPE'") as r:
            self.import_order(self.payload(customer_ref="NOPE"))
        self.assertIn("customer_ref", r.exception.details)
        self.assertFalse(self.karage_orders())

    def test_invoicing_off_keeps_the_customer_without_invoice(self):
        self.company.karage_pos_invoice_orders = False
        order = self.import_order(self.payload(partner_id=self.customer.id))
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.account_move)

    def test_default_customer_is_set_but_not_invoiced(self):
        self.company.karage_pos_partner_id = self.walk_in
        order = self.import_order(self.payload())
        self.assertEqual(order.partner_id, self.walk_in)
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.account_move)

    def test_credit_sale_owed_by_the_customer_and_session_closes(self):
        order = self.import_order(self.credit_payload(partner_id=self.customer.id))
        self.assertEqual(order.payment_ids.payment_method_id, self.credit_method)
        self.assertEqual(order.state, "invoiced")
        session = order.session_id
        session.with_user(self.pos_user).action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")
        lines = session.move_id.line_ids
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        # the customer owes the sale: the invoice stays open on its account
        self.assertEqual(order.account_move.payment_state, "not_paid")
        self.assertAlmostEqual(self.customer.credit, 80.5)

    def test_credit_sale_without_invoice_leaves_a_receivable(self):
        self.company.karage_pos_invoice_orders = False
        order = self.import_order(self.credit_payload(customer_ref="KC-0042"))
        self.assertEqual(order.state, "paid")
        session = order.session_id
        session.with_user(self.pos_user).action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")
        self.assertAlmostEqual(self.customer.credit, 80.5)

    def test_credit_without_customer_refused(self):
        with self.assertRaisesRegex(KaragePosError, "Credit payment needs a customer"):
            self.import_order(self.credit_payload())
        # the default customer does not owe anybody's credit
        self.company.karage_pos_partner_id = self.walk_in
        with self.assertRaisesRegex(KaragePosError, "Credit payment needs a customer"):
            self.import_order(self.credit_payload())

    def test_refund_of_an_invoiced_sale_gets_a_credit_note(self):
        sale = self.import_order(self.payload(4002, partner_id=self.customer.id))
        refund_payload = self.refund_payload(4002)
        refund = self.import_order(refund_payload)
        self.assertEqual(refund.partner_id, self.customer)
        self.assertEqual(refund.state, "invoiced")
        self.assertEqual(refund.account_move.move_type, "out_refund")
        self.assertEqual(refund.account_move.reversed_entry_id, sale.account_move)

    def test_refund_goes_to_its_sales_customer_only(self):
        self.import_order(self.payload(4003, partner_id=self.customer.id))
        with self.assertRaisesRegex(KaragePosError, "goes to its sale's customer"):
            self.import_order(self.refund_payload(4003, partner_id=self.walk_in.id))
        refund = self.import_order(self.refund_payload(4003))
        self.assertEqual(refund.partner_id, self.customer)

    def test_credit_refund_of_a_default_customer_sale_refused(self):
        self.company.karage_pos_partner_id = self.walk_in
        self.import_order(self.payload(4004))
        refund = self.refund_payload(4004)
        refund["CheckoutDetails"][0]["PaymentMode"] = 3
        with self.assertRaisesRegex(KaragePosError, "Credit payment needs a customer"):
            self.import_order(refund)

    def test_identify_customer_methods_need_a_customer_too(self):
        # a bank method that identifies its customers (split transactions)
        # cannot close its session without one
        tabby = self.env["pos.payment.method"].create(
            {
                "name": "Karage Tabby",
                "journal_id": self.bank_method.journal_id.id,
                "split_transactions": True,
            }
        )
        self.config.payment_method_ids = [Command.link(tabby.id)]
        self.env.ref("karage_pos.payment_mode_tabby").payment_method_id = tabby
        payload = self.payload(4005)
        payload["CheckoutDetails"] = [{"PaymentMode": 5, "AmountPaid": 80.5}]
        with self.assertRaisesRegex(KaragePosError, "Credit payment needs a customer"):
            self.import_order(payload)

    def test_bulk_customer_and_branch_given_once_apply_to_orders_naming_none(self):
        orders = [
            {"OrderID": 1},
            {"OrderID": 2, "customer_ref": "OWN"},
            {"OrderID": 3, "pos_config_id": 7},
        ]
        merged = KaragePosOrderService._with_shared_fields(
            {"partner_id": 5, "pos_config_id": 9, "orders": orders}, orders
        )
        self.assertEqual(merged[0], {"OrderID": 1, "partner_id": 5, "pos_config_id": 9})
        # an order's own customer replaces the bulk's whole customer
        self.assertEqual(
            merged[1], {"OrderID": 2, "customer_ref": "OWN", "pos_config_id": 9}
        )
        self.assertEqual(merged[2], {"OrderID": 3, "partner_id": 5, "pos_config_id": 7})
        # a null is no branch of the order's own; a refund keeps its sale's
        # customer
        merged = KaragePosOrderService._with_shared_fields(
            {"partner_id": 5, "pos_config_id": 9},
            [{"OrderID": 4, "pos_config_id": None}, {"OrderID": 5, "OrderStatus": 106}],
        )
        self.assertEqual(merged[0], {"OrderID": 4, "partner_id": 5, "pos_config_id": 9})
        self.assertEqual(
            merged[1], {"OrderID": 5, "OrderStatus": 106, "pos_config_id": 9}
        )
