# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
from datetime import timedelta

from odoo import api, fields, models

from ..exceptions import KaragePosError


def request_fingerprint(body):
    """SHA-256 of the request body, independent of key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class KaragePosIdempotency(models.Model):
    """One ``Idempotency-Key`` sent by Karage and what it was answered.

    Same key and same body: the stored answer is replayed. Same key, other
    body: 422. Key still processing: 409, unless the record has been
    processing for longer than the timeout setting, in which case the new
    request takes it over.
    """

    _name = "karage.pos.idempotency"
    _inherit = ["karage.pos.retention.mixin"]
    _description = "Karage POS Idempotency Record"
    _order = "id desc"
    _rec_name = "key"

    key = fields.Char(required=True, readonly=True, index=True)
    state = fields.Selection(
        [
            ("processing", "Processing"),
            ("completed", "Completed"),
            ("failed", "Failed"),
        ],
        required=True,
        default="processing",
        readonly=True,
        index=True,
    )
    endpoint = fields.Char(readonly=True)
    request_hash = fields.Char(string="Request Fingerprint", readonly=True)
    external_order_id = fields.Char(string="External Order ID", readonly=True)
    response_code = fields.Integer(readonly=True)
    response_body = fields.Text(readonly=True)
    processing_started_at = fields.Datetime(readonly=True)
    completed_at = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Caller", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )

    _sql_constraints = [
        (
            "key_company_unique",
            "UNIQUE(key, company_id)",
            "An idempotency key is used once per company.",
        )
    ]

    @api.model
    def _karage_claim(self, key, fingerprint, endpoint, external_order_id=None):
        """Claim ``key`` for a new request.

        :returns: ``(record, replay)``; ``replay`` is True when the stored
            response must be sent again instead of processing the request.
        :raises KaragePosError: 409 while the key is being processed, 422 when
            the key was used with another body.
        """
        record = self.search(
            [("key", "=", key), ("company_id", "=", self.env.company.id)], limit=1
        )
        now = fields.Datetime.now()
        if record:
            if record.request_hash != fingerprint:
                raise KaragePosError(
                    f"Idempotency-Key {key} was already used with a different "
                    "request body",
                    status=422,
                )
            if record.state == "completed":
                return record, True
            if record.state == "processing" and not record._karage_is_stuck(now):
                raise KaragePosError(
                    f"A request with Idempotency-Key {key} is still being "
                    "processed; retry later",
                    status=409,
                )
            record.sudo().write({"state": "processing", "processing_started_at": now})
            return record, False
        try:
            with self.env.cr.savepoint():
                record = self.sudo().create(
                    {
                        "key": key,
                        "request_hash": fingerprint,
                        "endpoint": endpoint,
                        "external_order_id": external_order_id,
                        "processing_started_at": now,
                        "user_id": self.env.uid,
                    }
                )
        except Exception as error:
            if getattr(error, "pgcode", None) != "23505":
                raise
            # a concurrent request inserted the same key and committed
            raise KaragePosError(
                f"A request with Idempotency-Key {key} is still being "
                "processed; retry later",
                status=409,
            ) from error
        return record, False

    def _karage_is_stuck(self, now):
        self.ensure_one()
        timeout = self.env["res.config.settings"]._karage_setting("processing_timeout")
        started = self.processing_started_at or self.create_date
        return started + timedelta(minutes=timeout) < now

    def _karage_finish(self, code, body):
        """Store the answer given to the request that claimed the key."""
        self.ensure_one()
        self.sudo().write(
            {
                "state": "completed" if code < 500 else "failed",
                "response_code": code,
                "response_body": json.dumps(body, default=str),
                "completed_at": fields.Datetime.now(),
            }
        )

    def _karage_stored_response(self):
        self.ensure_one()
        return self.response_code, json.loads(self.response_body or "null")
