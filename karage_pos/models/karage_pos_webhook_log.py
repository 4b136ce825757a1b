# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.osv import expression

from ..schemas import REFUND_STATUS
from .pos_order import KARAGE_SOURCE


def _storable(text):
    text = text.replace("\x00", "")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class KaragePosWebhookLog(models.Model):
    """One order received on a Karage endpoint and what became of it."""

    _name = "karage.pos.webhook.log"
    _inherit = ["karage.pos.retention.mixin"]
    _description = "Karage POS Webhook Log"
    _order = "id desc"
    # the display name ("endpoint OrderID") is computed: search its parts
    _rec_names_search = ["endpoint", "external_order_id"]

    endpoint = fields.Char(required=True, readonly=True, index=True)
    external_order_id = fields.Char(
        string="External Order ID", readonly=True, index=True
    )
    payload = fields.Text(readonly=True)
    status_code = fields.Integer(readonly=True, index=True)
    state = fields.Selection(
        [("success", "Success"), ("error", "Error")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    response = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    duration_ms = fields.Float(string="Duration (ms)", readonly=True, digits=(16, 1))
    user_id = fields.Many2one("res.users", string="Caller", readonly=True)
    remote_addr = fields.Char(string="Remote Address", readonly=True)
    idempotency_key = fields.Char(readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, ondelete="set null"
    )
    pos_config_id = fields.Many2one(
        "pos.config",
        string="Branch",
        readonly=True,
        index=True,
        ondelete="set null",
        help="POS configuration the order was sent to: its order's, else the "
        "payload's pos_config_id, else the branch it would go to.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )

    @api.depends("status_code")
    def _compute_state(self):
        for log in self:
            log.state = "success" if 200 <= log.status_code < 300 else "error"

    @api.depends("endpoint", "external_order_id")
    def _compute_display_name(self):
        for log in self:
            log.display_name = f"{log.endpoint} {log.external_order_id or ''}".strip()

    @api.model
    def _karage_cleanup_domain(self, limit_date):
        """Keep the log of an accepted order that does not exist yet.

        Such a log (202 without an order: its job waits, runs or failed) holds
        the payload, the requeue and the status of the order; deleting it
        would lose the order. A refusal, or a log with its order, may go.
        """
        return expression.AND(
            [
                super()._karage_cleanup_domain(limit_date),
                ["|", ("status_code", "!=", 202), ("pos_order_id", "!=", False)],
            ]
        )

    @api.model
    def _karage_record(self, endpoint, payload, code, body, **values):
        """Create the log of one order (``body`` is the answer's JSON)."""
        return self.sudo().create(
            self._karage_record_values(endpoint, payload, code, body, **values)
        )

    @api.model
    def _karage_record_values(self, endpoint, payload, code, body, **values):
        """The values of the log of one order (see :meth:`_karage_record`)."""
        error = body.get("error") if isinstance(body, dict) else None
        # an error may quote what was sent
        error = _storable(error) if isinstance(error, str) else error
        # PostgreSQL text cannot hold NUL, nor UTF-8 a lone surrogate: what
        # was received is kept without the one and with the other escaped
        # (payload and answer are JSON, where both are escaped)
        values = {
            name: _storable(value) if isinstance(value, str) else value
            for name, value in values.items()
        }
        values.setdefault(
            "pos_config_id", self._karage_branch(payload, values.get("pos_order_id"))
        )
        return {
            "endpoint": endpoint,
            "payload": self._karage_json(payload),
            "status_code": code,
            "response": self._karage_json(body),
            "error": error,
            "user_id": self.env.uid,
            **values,
        }

    @api.model
    def _karage_branch(self, payload, pos_order_id=None):
        """Id of the POS configuration an order went or was sent to.

        The created order's, else the payload's ``pos_config_id`` when it is
        one of the company's configurations (archived too: a refusal names
        the branch it was meant for), else the branch the order would go to
        (the user's only branch, else the company's Karage configuration);
        False when the company has none.
        """
        if pos_order_id:
            return self.env["pos.order"].sudo().browse(pos_order_id).config_id.id
        company = self.env.company
        config_id = payload.get("pos_config_id") if isinstance(payload, dict) else None
        Config = self.env["pos.config"].sudo().with_context(active_test=False)
        # a refused payload may hold anything: only a database id is looked up
        if type(config_id) is int and 0 < config_id < 2**31:
            config = Config.search(
                [("id", "=", config_id), ("company_id", "=", company.id)]
            )
            if config:
                return config.id
        sale = self._karage_refunded_sale(payload)
        if sale:
            return sale.config_id.id  # a refund goes where its sale was made
        bound = self.env.user.sudo().karage_pos_config_ids.filtered(
            lambda c: c.company_id == company
        )
        if len(bound) == 1:
            return bound.id
        return company.sudo()._karage_pos_config().id

    def _karage_refunded_sale(self, payload):
        """The sale a refund payload refunds, if it was imported."""
        Order = self.env["pos.order"].sudo()
        if not isinstance(payload, dict) or payload.get("OrderStatus") != REFUND_STATUS:
            return Order
        return Order.search(
            [
                ("external_order_source", "=", KARAGE_SOURCE),
                ("external_order_id", "=", str(payload.get("OrderID")).strip()),
                ("company_id", "=", self.env.company.id),
            ],
            limit=1,
        )

    @api.model
    def _karage_json(self, value):
        return json.dumps(value, indent=2, default=str)

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "pos.order",
            "res_id": self.pos_order_id.id,
            "view_mode": "form",
        }
