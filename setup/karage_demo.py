# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Make a database ready for Karage: run inside ``odoo-bin shell``.

Creates (or reuses) the dedicated POS configuration "External POS Sync"
with a payment method for every PaymentMode of the setup guide (Cash, Bank,
Customer Account for credit, Tabby, Tamara, StcPay), a second branch with
its own warehouse and drawer, a customer with a Reference, a few storable
products with the 15 % sales tax, and a least-privilege integration user
(Point of Sale user) with a fresh persistent API key. Prints
``KARAGE_API_KEY=...``, ``KARAGE_PRODUCTS=...``, ``KARAGE_CONFIG=...``,
``KARAGE_BRANCH=...`` and ``KARAGE_CUSTOMER=...`` lines for the caller,
then commits.
"""

import json

DEMO_KEY_NAME = "Karage POS demo key"
BRANCH_NAME = "Karage Branch 2"
CUSTOMER_REF = "KC-0001"
PRODUCTS = [("Office Chair", 70.0), ("Fuchs Oil 5W30", 45.0), ("Car Wash", 25.0)]


def _journal(env, kind):
    return env["account.journal"].search(
        [("type", "=", kind), ("company_id", "=", env.company.id)], limit=1
    )


def _payment_method(env, name, kind, journal=None):
    method = env["pos.payment.method"].search(
        [("name", "=", name), ("company_id", "=", env.company.id)], limit=1
    )
    if not method:
        method = env["pos.payment.method"].create(
            {"name": name, "journal_id": (journal or _journal(env, kind)).id}
        )
    return method


def _own_journal(env, name, kind, code):
    journal = env["account.journal"].search(
        [("code", "=", code), ("company_id", "=", env.company.id)], limit=1
    )
    return journal or env["account.journal"].create(
        {"name": name, "type": kind, "code": code}
    )


def _customer_account(env):
    """Odoo's pay-later method: credit sales owed by their customer."""
    method = env["pos.payment.method"].search(
        [
            ("journal_id", "=", False),
            ("split_transactions", "=", True),
            ("company_id", "=", env.company.id),
        ],
        limit=1,
    )
    return method or env["pos.payment.method"].create(
        {"name": "Customer Account", "split_transactions": True}
    )


def _wallets(env):
    """Tabby, Tamara and StcPay, each with its own journal, mapped."""
    methods = env["pos.payment.method"]
    for name, code, xmlid in (
        ("Tabby", "TABBY", "payment_mode_tabby"),
        ("Tamara", "TMARA", "payment_mode_tamara"),
        ("StcPay", "STCPY", "payment_mode_stcpay"),
    ):
        journal = _own_journal(env, name, "bank", code)
        method = _payment_method(env, name, "bank", journal)
        mapping = env.ref(f"karage_pos.{xmlid}")
        if not mapping.payment_method_id:
            mapping.payment_method_id = method
        methods |= method
    return methods


def _branch(env, shared_methods):
    """A second branch: its own warehouse, stock and cash drawer."""
    config = env["pos.config"].search([("name", "=", BRANCH_NAME)], limit=1)
    if config:
        return config
    warehouse = env["stock.warehouse"].search([("code", "=", "KB2")], limit=1)
    if not warehouse:
        warehouse = env["stock.warehouse"].create({"name": BRANCH_NAME, "code": "KB2"})
    cash = _payment_method(
        env,
        f"{BRANCH_NAME} Cash",
        "cash",
        _own_journal(env, "Branch 2 Cash", "cash", "KB2C"),
    )
    return env["pos.config"].create(
        {
            "name": BRANCH_NAME,
            "picking_type_id": warehouse.pos_type_id.id,
            "payment_method_ids": [(6, 0, (cash | shared_methods).ids)],
        }
    )


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


def _products(env):
    """The demo products with the 15 % sales tax: ``{name: id}``."""
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
    return products


def _integration_key(env):
    """A fresh persistent key of the least-privilege integration user."""
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
    return Keys.with_user(user).sudo()._generate(None, DEMO_KEY_NAME, False)


def setup(env):
    cash = _payment_method(env, "Cash", "cash")
    bank = _payment_method(env, "Bank", "bank")
    shared = bank | _customer_account(env) | _wallets(env)
    config = env["pos.config"].search([("name", "=", "External POS Sync")], limit=1)
    if not config:
        config = env["pos.config"].create({"name": "External POS Sync"})
    missing = (cash | shared) - config.payment_method_ids
    if missing and not config.current_session_id:
        config.payment_method_ids = [(4, method.id) for method in missing]
    env.company.karage_pos_config_id = config
    branch = _branch(env, shared)
    customer = env["res.partner"].search([("ref", "=", CUSTOMER_REF)], limit=1)
    if not customer:
        customer = env["res.partner"].create(
            {"name": "Karage Demo Fleet Customer", "ref": CUSTOMER_REF}
        )
    products = _products(env)
    key = _integration_key(env)
    env.cr.commit()
    print(f"KARAGE_API_KEY={key}")
    print(f"KARAGE_PRODUCTS={json.dumps(products)}")
    print(f"KARAGE_CONFIG={config.id}")
    print(f"KARAGE_BRANCH={branch.id}")
    print(f"KARAGE_CUSTOMER={customer.id}")


setup(env)  # noqa: F821 - provided by odoo-bin shell
