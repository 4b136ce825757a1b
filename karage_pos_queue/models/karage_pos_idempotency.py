# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.karage_pos.exceptions import DuplicateOrder

from .karage_pos_webhook_log import WAITING_JOB_STATES


class KaragePosIdempotency(models.Model):
    _inherit = "karage.pos.idempotency"

    @api.model
    def _karage_order_conflicts(self, holder, entries):
        """An OrderID whose accepted content still waits for its job, sent
        again with other content, is refused: never merged, never dropped.

        Read on the claims' connection, whose READ COMMITTED view follows
        the claim, so that an acceptance committed just before is seen.
        """
        conflicts = super()._karage_order_conflicts(holder, entries)
        fingerprints = {
            key: fingerprint
            for key, fingerprint, *__ in entries
            if key not in conflicts
        }
        if not fingerprints:
            return conflicts
        holder.execute(
            """SELECT log.external_order_id, log.payload_hash
                 FROM karage_pos_webhook_log log
                 JOIN queue_job job ON job.id = log.job_id
                WHERE log.company_id = %s
                  AND log.external_order_id IN %s
                  AND log.pos_order_id IS NULL
                  AND log.payload_hash IS NOT NULL
                  AND job.state IN %s""",
            [self.env.company.id, tuple(fingerprints), WAITING_JOB_STATES],
        )
        for order_id, stored in holder.fetchall():
            if stored != fingerprints[order_id]:
                conflicts[order_id] = (
                    "refused",
                    DuplicateOrder(
                        f"OrderID {order_id} is already queued with different "
                        "content; an order is never changed once accepted: wait "
                        "for it to be created, or send the change under another "
                        "OrderID"
                    ),
                )
        return conflicts
