# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A day of a two-branch shop over HTTP, with the job runner, closed by the
scheduled action: sales, a refund, an invoiced customer sale and a credit
sale end in closed sessions with balanced entries."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from karage_endpoints import BULK, SINGLE


def _one(odoo, model, domain, fields):
    records = odoo.admin(model, "search_read", domain, fields=fields, limit=1)
    assert records, f"no {model} {domain}"
    return records[0]


def _credit(payload, customer_ref):
    payload = dict(payload, customer_ref=customer_ref)
    payload["CheckoutDetails"] = [
        {"PaymentMode": 3, "AmountPaid": payload["AmountPaid"], "CardType": "Credit"}
    ]
    return payload


def _refund_of(payload, quantity):
    net = payload["OrderItems"][0]["Price"] * quantity
    tax = round(net * 0.15, 2)
    refund = dict(
        payload,
        OrderStatus=106,
        RefundID="R1",
        AmountTotal=net,
        Tax=tax,
        GrandTotal=round(net + tax, 2),
        AmountPaid=round(net + tax, 2),
    )
    refund["OrderItems"] = [dict(payload["OrderItems"][0], Quantity=quantity)]
    refund["CheckoutDetails"] = [{"PaymentMode": 1, "AmountPaid": refund["AmountPaid"]}]
    return refund


def _wait_next_minute(zone):
    """The next whole minute of ``zone`` as HH:MM, once it has passed."""
    now = datetime.now(ZoneInfo(zone))
    cutoff = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    time.sleep((cutoff - now).total_seconds() + 2)
    return cutoff.strftime("%H:%M")


def test_a_two_branch_day_closes_balanced_by_the_scheduled_action(queue_odoo):
    odoo = queue_odoo
    main = _one(odoo, "pos.config", [("name", "=", "External POS Sync")], ["id"])
    branch = _one(odoo, "pos.config", [("name", "=", "Karage Branch 2")], ["id"])
    customer = _one(
        odoo, "res.partner", [("ref", "=", "KC-0001")], ["id", "credit", "ref"]
    )
    base = odoo.next_order_id() * 10
    sale, refunded = base + 1, base + 2
    invoiced, credit, branch_sale, branch_credit = (
        base + 3,
        base + 4,
        base + 5,
        base + 6,
    )
    # branch 1: a cash sale later partly refunded, an invoiced customer sale
    # and a credit sale, one at a time
    first = odoo.payload(refunded, qty=3)
    for payload in (
        odoo.payload(sale),
        first,
        dict(
            odoo.payload(invoiced, product="Fuchs Oil 5W30", price=45.0),
            partner_id=customer["id"],
        ),
        _credit(odoo.payload(credit, product="Car Wash", price=25.0), "KC-0001"),
    ):
        response = odoo.post(SINGLE, dict(payload, pos_config_id=main["id"]))
        assert response.status_code == 202, response.text
    # branch 2: a bulk naming its branch once, a cash and a credit sale
    response = odoo.post(
        BULK,
        {
            "pos_config_id": branch["id"],
            "orders": [
                odoo.payload(branch_sale, qty=2),
                _credit(odoo.payload(branch_credit), "KC-0001"),
            ],
        },
    )
    assert response.status_code == 202, response.text
    assert response.json()["data"]["succeeded"] == 2, response.text
    refund = _refund_of(dict(first, pos_config_id=main["id"]), -1)
    response = odoo.post(SINGLE, refund)
    assert response.status_code == 202, response.text
    refund_key = f"{refunded}:refund:R1"
    keys = [sale, refunded, invoiced, credit, branch_sale, branch_credit, refund_key]
    states = odoo.wait_states(keys, timeout=600)
    assert set(states.values()) == {"done"}, states

    orders = {
        order["external_order_id"]: order
        for order in odoo.admin(
            "pos.order",
            "search_read",
            [("external_order_id", "in", [str(k) for k in keys])],
            fields=[
                "state",
                "external_order_id",
                "session_id",
                "config_id",
                "amount_total",
                "account_move",
                "refunded_order_id",
            ],
        )
    }
    assert len(orders) == len(keys)
    assert orders[str(invoiced)]["state"] == "invoiced"
    assert orders[str(invoiced)]["account_move"]
    assert orders[refund_key]["refunded_order_id"][0] == orders[str(refunded)]["id"]
    assert orders[refund_key]["amount_total"] == -80.5
    assert {orders[str(k)]["config_id"][0] for k in (branch_sale, branch_credit)} == {
        branch["id"]
    }
    sessions = {order["session_id"][0] for order in orders.values()}
    assert len(sessions) == 2, "one session per branch"
    status = odoo.status(refunded).json()["data"]["order"]
    assert [r["external_order_id"] for r in status["refunds"]] == [refund_key]

    # the scheduled action closes both branches' sessions at the cut-off
    company = _one(
        odoo, "res.company", [("id", "=", 1)], ["karage_pos_timezone", "partner_id"]
    )
    zone = company["karage_pos_timezone"] or "UTC"
    odoo.admin(
        "ir.config_parameter",
        "set_param",
        "karage_pos.close_cutoff",
        _wait_next_minute(zone),
    )
    cron = odoo.admin(
        "ir.model.data",
        "search_read",
        [("module", "=", "karage_pos"), ("name", "=", "ir_cron_close_sessions")],
        fields=["res_id"],
    )[0]["res_id"]
    odoo.admin("ir.cron", "method_direct_trigger", [cron])
    closed = odoo.admin(
        "pos.session",
        "search_read",
        [("id", "in", list(sessions))],
        fields=["state", "move_id", "name"],
    )
    assert {session["state"] for session in closed} == {"closed"}, closed
    for session in closed:
        assert session["move_id"], session
        assert odoo.move_balanced(session["move_id"][0]), session
    after = odoo.admin(
        "pos.order",
        "search_read",
        [("external_order_id", "in", [str(k) for k in keys])],
        fields=["state"],
    )
    assert {order["state"] for order in after} <= {"done", "invoiced"}
    # the customer owes both credit sales
    owed = _one(odoo, "res.partner", [("id", "=", customer["id"])], ["credit"])
    assert round(owed["credit"] - customer["credit"], 2) == round(25 * 1.15 + 80.5, 2)

    # the next order opens a fresh session
    late = base + 7
    response = odoo.post(SINGLE, dict(odoo.payload(late), pos_config_id=main["id"]))
    assert response.status_code == 202, response.text
    assert odoo.wait_states([late]) == {late: "done"}
    new_session = odoo.admin(
        "pos.order",
        "search_read",
        [("external_order_id", "=", str(late))],
        fields=["session_id", "date_order"],
    )[0]
    assert new_session["session_id"][0] not in sessions
    # a late order keeps its own date
    assert new_session["date_order"].startswith("2025-11-27")
