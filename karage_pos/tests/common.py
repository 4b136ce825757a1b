# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import json
from pathlib import Path

from odoo import Command
from odoo.tests import HttpCase

from odoo.addons.component.tests.common import TransactionComponentCase

SINGLE = "/api/v1/webhook/pos-order"
BULK = f"{SINGLE}/bulk"

# the single order example of the setup guide
SEED_PAYLOAD = json.loads(
    (Path(__file__).parent / "data" / "seed_order.json").read_text(encoding="utf-8")
)


class KarageDataMixin:
    """Builds its own company data: POS config, methods, taxed products, user."""

    @classmethod
    def setup_karage_data(cls):
        env = cls.env
        company = env.company
        cls.company = company
        journals = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "in", ("cash", "bank"))]
        )
        cash_journal = journals.filtered(lambda j: j.type == "cash")[:1]
        bank_journal = journals.filtered(lambda j: j.type == "bank")[:1]
        cls.cash_method = env["pos.payment.method"].create(
            {"name": "Karage Test Cash", "journal_id": cash_journal.id}
        )
        cls.bank_method = env["pos.payment.method"].create(
            {"name": "Karage Test Bank", "journal_id": bank_journal.id}
        )
        cls.config = env["pos.config"].create(
            {
                "name": "External POS Sync Test",
                "payment_method_ids": [
                    Command.set((cls.cash_method | cls.bank_method).ids)
                ],
            }
        )
        company.karage_pos_config_id = cls.config
        company.karage_pos_timezone = "UTC"
        cls.tax15 = env["account.tax"].create(
            {"name": "Karage VAT 15%", "amount": 15.0, "type_tax_use": "sale"}
        )
        cls.chair = cls._product("Karage Office Chair", 70.0, cls.tax15)
        cls.oil = cls._product("Karage Fuchs Oil 5W30", 45.0, cls.tax15)
        cls.untaxed = cls._product("Karage Untaxed Wash", 70.0, None)
        cls.pos_user = cls._pos_user()
        env["ir.config_parameter"].sudo().set_param("karage_pos.valid_statuses", "103")

    @classmethod
    def _pos_manager(cls, login):
        """A Point of Sale / Administrator."""
        return cls.env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "email": f"{login}@example.com",
                "groups_id": [
                    Command.link(cls.env.ref("point_of_sale.group_pos_manager").id)
                ],
            }
        )

    @classmethod
    def _pos_user(cls, login="karage_integration_test", **more):
        """An integration user: Point of Sale / User, nothing more."""
        return cls.env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "email": f"{login}@example.com",
                "groups_id": [
                    Command.link(cls.env.ref("base.group_user").id),
                    Command.link(cls.env.ref("point_of_sale.group_pos_user").id),
                ],
                **more,
            }
        )

    @classmethod
    def _product(cls, name, price, tax):
        return cls.env["product.product"].create(
            {
                "name": name,
                "list_price": price,
                "is_storable": True,
                "available_in_pos": True,
                "sale_ok": True,
                "taxes_id": [Command.set(tax.ids if tax else [])],
            }
        )

    @classmethod
    def _branch(cls, name, code):
        """A POS configuration with its own warehouse and cash drawer."""
        env = cls.env
        journal = env["account.journal"].create(
            {"name": f"{name} Cash", "type": "cash", "code": code}
        )
        cash = env["pos.payment.method"].create(
            {"name": f"{name} Cash", "journal_id": journal.id}
        )
        warehouse = env["stock.warehouse"].create({"name": name, "code": code})
        return env["pos.config"].create(
            {
                "name": name,
                "picking_type_id": warehouse.pos_type_id.id,
                "payment_method_ids": [Command.set((cash | cls.bank_method).ids)],
            }
        )

    def payload(self, order_id=2001, product=None, **overrides):
        """The seed's example payload for ``product`` (default: the chair)."""
        payload = copy.deepcopy(SEED_PAYLOAD)
        payload["OrderID"] = order_id
        payload["OrderItems"][0]["OdooItemID"] = (product or self.chair).id
        payload.update(overrides)
        return payload

    def sale_payload(self, order_id, quantity=1, price=70.0, discount=0.0, **more):
        """A sale of ``quantity`` chairs at ``price`` less ``discount``, with
        the 15 % tax, paid in cash (negative quantities: its refund)."""
        net = round(price * quantity - discount * (1 if quantity > 0 else -1), 2)
        tax = round(net * 0.15, 2)
        total = round(net + tax, 2)
        item = {"OdooItemID": self.chair.id, "Price": price, "Quantity": quantity}
        if discount:
            item["DiscountAmount"] = discount
        return self.payload(
            order_id,
            **{
                "OrderItems": [item],
                "AmountTotal": net,
                "Tax": tax,
                "GrandTotal": total,
                "AmountPaid": total,
                "CheckoutDetails": [{"PaymentMode": 1, "AmountPaid": total}],
                **more,
            },
        )

    def refund_payload(self, order_id, quantity=-1, **more):
        """The refund (OrderStatus 106) of ``-quantity`` chairs of sale
        ``order_id``, paid back in cash."""
        return self.sale_payload(order_id, quantity, OrderStatus=106, **more)

    def karage_orders(self):
        return (
            self.env["pos.order"]
            .sudo()
            .search([("external_order_source", "=", "karage_pos_webhook")])
        )


class KarageCase(TransactionComponentCase, KarageDataMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_karage_data()

    def import_order(self, payload, user=None):
        """Run the order importer as the integration user."""
        from ..schemas import validate_order

        document, errors = validate_order(payload)
        self.assertFalse(errors)
        env = self.env(user=user or self.pos_user)
        with env["karage.pos.collection"].work_on("pos.order") as work:
            return work.component(usage="order.importer").run(document)


class KarageHttpCase(HttpCase, KarageDataMixin):
    """Talks to the webhook over HTTP as Karage does, with the integration
    user's API key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_karage_data()
        cls.key = cls._key(cls.pos_user)

    @classmethod
    def _key(cls, user, expiration=False):
        return (
            cls.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, "Karage test", expiration)
        )

    def send(self, path, data, headers=None, key=None):
        """POST ``data`` (JSON-encoded unless text or bytes); the response.

        ``key=False`` sends no ``X-API-KEY``.
        """
        all_headers = {"Content-Type": "application/json"}
        if key is not False:
            all_headers["X-API-KEY"] = key or self.key
        all_headers.update(headers or {})
        if not isinstance(data, str | bytes):
            data = json.dumps(data)
        return self.url_open(path, data=data, headers=all_headers)

    def post(self, path, body, key=None, headers=None, raw=None):
        """POST ``body`` (or the text ``raw``): ``(status, JSON answer)``."""
        response = self.send(path, raw if raw is not None else body, headers, key)
        return response.status_code, response.json()

    def get(self, path, key=None):
        response = self.opener.get(
            self.base_url() + path, headers={"X-API-KEY": key or self.key}, timeout=12
        )
        return response.status_code, response.json()
