# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import config


class KaragePosRetentionMixin(models.AbstractModel):
    """Records deleted by a daily cron once older than Record Retention.

    A model narrows what may be deleted by overriding
    :meth:`_karage_cleanup_domain`.
    """

    _name = "karage.pos.retention.mixin"
    _description = "Karage POS record retention"

    # records deleted per transaction by the cleanup
    _karage_cleanup_batch = 1000

    @api.model
    def _karage_cleanup_domain(self, limit_date):
        """Domain of the records the cleanup may delete.

        :param datetime limit_date: records created before it are old enough.
        :returns: a search domain; an override keeps records the operator
            still needs (``expression.AND`` it with ``super()``'s).
        """
        return [("create_date", "<", limit_date)]

    @api.model
    def _cron_cleanup(self):
        """Delete records older than the retention setting (0 keeps all).

        Deletes in batches of ``_karage_cleanup_batch``, committed one by one
        outside tests (as queue_job's autovacuum), until none is left: a large
        backlog neither holds one long transaction nor loses finished batches
        when the cron is interrupted.
        """
        days = self.env["res.config.settings"]._karage_setting("retention_days")
        if days <= 0:
            return
        domain = self._karage_cleanup_domain(
            fields.Datetime.now() - timedelta(days=days)
        )
        records = self.sudo()
        while True:
            batch = records.search(domain, order="id", limit=self._karage_cleanup_batch)
            if not batch:
                break
            batch.unlink()
            if not config["test_enable"]:
                self.env.cr.commit()  # pylint: disable=invalid-commit
