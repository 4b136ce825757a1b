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
