# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError


class KaragePosProductResolver(Component):
    """Find the Odoo product of a Karage order line.

    OdooItemID first, then ItemID through the product's Karage Item ID,
    then ItemName. Only active, saleable, POS-available products of the
    current company (or shared) qualify.
    """

    _name = "karage.pos.product.resolver"
    _inherit = "karage.pos.base"
    _usage = "product.resolver"

    def _base_domain(self):
        return [
            ("sale_ok", "=", True),
            ("available_in_pos", "=", True),
            ("company_id", "in", [self.env.company.id, False]),
        ]

    def resolve(self, item, index):
        key = (
            "product",
            item.get("OdooItemID"),
            item.get("ItemID"),
            item.get("ItemName"),
        )
        return self._memo(key, lambda: self._resolve(item, index))

    def _resolve(self, item, index):
        Product = self.env["product.product"]
        domain = self._base_domain()
        tried = []
        if item.get("OdooItemID"):
            tried.append(f"OdooItemID {item['OdooItemID']}")
            product = Product.search(domain + [("id", "=", item["OdooItemID"])])
            if product:
                return product
        if item.get("ItemID") not in (None, ""):
            tried.append(f"ItemID {item['ItemID']}")
            product = Product.search(
                domain + [("product_tmpl_id.karage_item_id", "=", str(item["ItemID"]))],
                limit=2,
            )
            if len(product) == 1:
                return product
        if item.get("ItemName"):
            tried.append(f"ItemName {item['ItemName']!r}")
            product = Product.search(
                domain + [("name", "=", item["ItemName"])], limit=2
            )
            if len(product) == 1:
                return product
        raise KaragePosError(
            f"Product not found: OrderItems.{index} ({', '.join(tried)}) matches "
            "no single active, saleable product available in POS",
            details={f"OrderItems.{index}": tried},
        )
