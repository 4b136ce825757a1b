# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The webhook's answers, built in one place: the setup guide's envelope
(``status``, ``data``, ``error``, ``count``) for a success, an accepted
order (queue) and an error."""

from odoo import fields


def success(data):
    return {"status": "success", "data": data, "error": None, "count": 1}


def error(message, details=None):
    body = {"status": "error", "data": None, "error": message, "count": 0}
    if details:
        body["details"] = details
    return body


def bulk(results):
    """The answer for a bulk: one result per order, in the order received."""
    succeeded = sum(1 for result in results if result["status"] == "success")
    failed = len(results) - succeeded
    return {
        "status": "success",
        "message": f"Processed {len(results)} orders: {succeeded} succeeded, "
        f"{failed} failed",
        "data": {
            "total": len(results),
            "succeeded": succeeded,
            "failed": failed,
            "results": results,
        },
    }


def order_success(pos_order, external_order_id):
    """The answer for a created (or already created) order."""
    return success(order_data(pos_order, external_order_id))


def accepted(key, job_uuid, status_url):
    """The answer for an order accepted into the queue."""
    return success(
        {
            "external_order_id": key,
            "state": "queued",
            "job_uuid": job_uuid,
            "status_url": status_url,
        }
    )


def order_data(pos_order, external_order_id):
    """What the sender learns of an order: the guide's fields, then its
    customer, invoice, refunded sale and refunds where there are."""
    pos_order.ensure_one()
    data = {
        "id": pos_order.id,
        "name": pos_order.name,
        "pos_reference": pos_order.pos_reference,
        "amount_total": pos_order.amount_total,
        "amount_paid": pos_order.amount_paid,
        "amount_tax": pos_order.amount_tax,
        "state": pos_order.state,
        "date_order": fields.Datetime.to_string(pos_order.date_order),
        "external_order_id": external_order_id,
    }
    if pos_order.partner_id:
        data["partner_id"] = pos_order.partner_id.id
    if pos_order.account_move:
        data["invoice"] = pos_order.account_move.name
    if pos_order.refunded_order_id:
        data["refunded_order"] = pos_order.refunded_order_id.external_order_id
    refunds = pos_order.lines.refund_orderline_ids.order_id.sorted("id")
    if refunds:
        data["refunds"] = [
            {
                "external_order_id": refund.external_order_id,
                "name": refund.name,
                "amount_total": refund.amount_total,
                "state": refund.state,
            }
            for refund in refunds
        ]
    return data
