# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Make a database ready for Karage: run inside ``odoo-bin shell``.

Creates (or reuses) the dedicated POS configuration "External POS Sync"
with Cash and Bank payment methods, a few storable products with the 15 %
sales tax, and a least-privilege integration user (Point of Sale user) with
a fresh persistent API key. Prints ``KARAGE_API_KEY=...`` and
``KARAGE_PRODUCTS=...`` lines for the caller, then commits.
"""

import json

DEMO_KEY_NAME = "Karage POS demo key"
PRODUCTS = [("Office Chair", 70.0), ("Fuchs Oil 5W30", 45.0), ("Car Wash", 25.0)]


def _journal(env, kind):
    return env["account.journal"].search(
        [("type", "=", kind), ("company_id", "=", env.company.id)], limit=1
    )


def _payment_method(env, name, kind):
    method = env["pos.payment.method"].search(
        [("name", "=", name), ("company_id", "=", env.company.id)], limit=1
    )
    if not method:
        method = env["pos.payment.method"].create(
            {"name": name, "journal_id": _journal(env, kind).id}
        )
    return method


def _tax(env):
    tax = env["account.tax"].search(
        [
            ("type_tax_use", "=", "sale"),
            ("amount", "=", 15.0),
            ("amount_type", "=", "percent"),
            ("price_include", "=", False),
            ("company_id", "=", env.company.id),
        ],
        limit=1,
    )
    if not tax:
        tax = env["account.tax"].create(
            {"name": "VAT 15%", "amount": 15.0, "type_tax_use": "sale"}
        )
    return tax


def setup(env):
    cash = _payment_method(env, "Cash", "cash")
    bank = _payment_method(env, "Bank", "bank")
    config = env["pos.config"].search([("name", "=", "External POS Sync")], limit=1)
    if not config:
        config = env["pos.config"].create(
            {"name": "External POS Sync", "payment_method_ids": [(6, 0, (cash | bank).ids)]}
        )
    env.company.karage_pos_config_id = config
    tax = _tax(env)
    products = {}
    for name, price in PRODUCTS:
        product = env["product.product"].search([("name", "=", name)], limit=1)
        if not product:
            product = env["product.product"].create(
                {
                    "name": name,
                    "list_price": price,
                    "is_storable": True,
                    "available_in_pos": True,
                    "sale_ok": True,
                    "taxes_id": [(6, 0, tax.ids)],
                }
            )
        products[name] = product.id
    user = env["res.users"].search([("login", "=", "karage_integration")], limit=1)
    if not user:
        user = env["res.users"].create(
            {
                "name": "Karage Integration",
                "login": "karage_integration",
                "email": "karage-integration@example.com",
            }
        )
    # least privilege: an internal user with Point of Sale / User rights only
    user.groups_id = [
        (4, env.ref("base.group_user").id),
        (4, env.ref("point_of_sale.group_pos_user").id),
    ]
    Keys = env["res.users.apikeys"].sudo()
    Keys.search([("user_id", "=", user.id), ("name", "=", DEMO_KEY_NAME)])._remove()
    key = Keys.with_user(user).sudo()._generate(None, DEMO_KEY_NAME, False)
    env.cr.commit()
    print(f"KARAGE_API_KEY={key}")
    print(f"KARAGE_PRODUCTS={json.dumps(products)}")
    print(f"KARAGE_CONFIG={config.id}")


setup(env)  # noqa: F821 - provided by odoo-bin shell
