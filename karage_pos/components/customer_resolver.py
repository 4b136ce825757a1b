# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError


class KaragePosCustomerResolver(Component):
    """Find the customer an order names: ``partner_id``, else
    ``customer_ref`` (the partner's Reference), else the company's Default
    Customer (Karage settings), which the order then does not name."""

    _name = "karage.pos.customer.resolver"
    _inherit = "karage.pos.base"
    _usage = "customer.resolver"

    def partner(self, document):
        """``(partner, named)``: ``named`` when the order names its customer.

        An unknown customer is refused (422) naming the field.
        """
        company = self.env.company
        Partner = self.env["res.partner"]
        domain = [("company_id", "in", [company.id, False])]
        partner_id = document.get("partner_id")
        if partner_id:
            partner = Partner.search(domain + [("id", "=", partner_id)])
            if not partner:
                raise KaragePosError(
                    f"Customer not found: partner_id {partner_id} is no active "
                    f"contact of {company.name}",
                    details={"partner_id": [f"unknown customer {partner_id}"]},
                )
            return partner, True
        ref = (document.get("customer_ref") or "").strip()
        if ref:
            partner = Partner.search(domain + [("ref", "=", ref)], limit=2)
            if len(partner) != 1:
                reason = "no contact has" if not partner else "several contacts have"
                raise KaragePosError(
                    f"Customer not found: {reason} the Reference {ref!r}",
                    details={"customer_ref": [f"{reason} this Reference"]},
                )
            return partner, True
        return company.karage_pos_partner_id, False

    def for_order(self, document, sale=None):
        """``(partner, invoiced, debtor)`` of an order: its customer, whether
        it is invoiced, and who may owe its credit payments.

        A sale naming its customer is invoiced (setting *Invoice Karage
        Orders with a Customer*) and its customer may owe credit; the
        default customer owes nobody's credit. A refund goes to its
        ``sale``'s customer (one it names must be that one) and gets a
        credit note when the sale was invoiced.
        """
        partner, named = self.partner(document)
        if sale is None:
            invoiced = named and self.env.company.karage_pos_invoice_orders
            return partner, invoiced, partner if named else partner.browse()
        own = sale.partner_id
        if named and partner != own:
            raise KaragePosError(
                f"A refund goes to its sale's customer: order "
                f"{sale.external_order_id} was sold to "
                f"{own.display_name or 'no customer'}, the refund names "
                f"{partner.display_name}",
                details={"partner_id": [f"must be the sale's customer {own.id}"]},
            )
        default = self.env.company.karage_pos_partner_id
        debtor = own if own != default else own.browse()
        return own, bool(sale.account_move) and bool(own), debtor
