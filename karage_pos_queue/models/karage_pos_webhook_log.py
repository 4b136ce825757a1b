# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from odoo.addons.karage_pos.exceptions import (
    DATABASE_ERRORS,
    DuplicateOrder,
    InternalError,
    KaragePosError,
    RetryLater,
)
from odoo.addons.karage_pos.schemas import (
    content_fingerprint,
    describe_errors,
    order_key,
    validate_order,
)
from odoo.addons.karage_pos.services import answers
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import ENQUEUED, PENDING, WAIT_DEPENDENCIES, Job
from odoo.addons.queue_job.utils import must_run_without_delay

_logger = logging.getLogger(__name__)

# backoff of an order waiting for something transient
RETRY_MIN_SECONDS = 5
RETRY_MAX_SECONDS = 600
MANAGER_GROUP = "point_of_sale.group_pos_manager"
WAITING_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class KaragePosWebhookLog(models.Model):
    """The log of an accepted order creates its job and shows its outcome."""

    _inherit = "karage.pos.webhook.log"

    payload_hash = fields.Char(
        string="Content Fingerprint",
        readonly=True,
        help="SHA-256 of the accepted order: one OrderID, one content.",
    )
    job_id = fields.Many2one(
        "queue.job", string="Job", readonly=True, index=True, ondelete="set null"
    )
    job_state = fields.Selection(related="job_id.state", string="Job State")
    job_error = fields.Char(related="job_id.exc_message", string="Job Error")
    bulk_id = fields.Many2one(
        "karage.pos.bulk",
        string="Bulk",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    state = fields.Selection(
        selection_add=[("queued", "Queued"), ("failed", "Failed")],
        ondelete={"queued": "set null", "failed": "set null"},
    )

    @api.depends("job_id.state", "pos_order_id")
    def _compute_state(self):
        res = super()._compute_state()
        for log in self.filtered("job_id"):
            if log.pos_order_id or log.job_id.state == "done":
                log.state = "success"
            elif log.job_id.state in ("failed", "cancelled"):
                log.state = "failed"
            else:
                log.state = "queued"
        return res

    # enqueueing ---------------------------------------------------------

    def _karage_identity_key(self):
        """One waiting job per order: the key of this log's order."""
        self.ensure_one()
        return f"karage_pos_order:{self.company_id.id}:{self.external_order_id}"

    def _karage_enqueue(self, bulk=False):
        """Enqueue the jobs of these accepted orders, one per order.

        :returns: ``{log: queue.job}``

        The jobs are queue_job's own, stored together: one insert for the
        batch instead of ``Job.store``'s search and insert per job. The
        identity key keeps one waiting job per order, as queue_job's
        ``delay()`` does: an order whose job still waits (enqueued before,
        or for a log earlier in this batch) gets that job, not another.
        """
        if must_run_without_delay(self.env):
            # an accepted order is answered with its stored job, whatever
            # the switch: say so, since queue_job would have run it inline
            _logger.warning(
                "Karage: queue_job's no-delay switch is set; Karage order jobs "
                "are stored all the same and wait for a job runner"
            )
        # no creation message nor creator follower on each queue.job (the
        # failure message to the queue managers is unaffected)
        QueueJob = self.env["queue.job"].sudo().with_context(tracking_disable=True)
        keys = {log: log._karage_identity_key() for log in self}
        # the newest waiting job of a key, as queue_job's own identity check
        # (job_record_with_same_identity_key) finds it
        waiting = QueueJob.search(
            [
                ("identity_key", "in", list(set(keys.values()))),
                ("state", "in", [WAIT_DEPENDENCIES, PENDING, ENQUEUED]),
            ],
            order="date_created DESC, id DESC",
        )
        jobs = {}
        for job in waiting:
            jobs.setdefault(job.identity_key, job)
        new = {}
        for log in self:
            if keys[log] in jobs or keys[log] in new:
                continue
            new[keys[log]] = Job(
                # stored jobs keep only queue_job's safe context keys
                log._karage_process_job,
                channel="root.karage_pos.bulk" if bulk else "root.karage_pos",
                # retries are spent only by what is transient, and that is
                # waited out (a killed worker too): never give up on an
                # accepted order
                max_retries=0,
                priority=20 if bulk else 10,
                description=_("Karage POS order %s", log.external_order_id),
                identity_key=keys[log],
            )
        stored = QueueJob.with_context(
            _job_edit_sentinel=QueueJob.EDIT_SENTINEL
        ).create([job._store_values(create=True) for job in new.values()])
        # created in the order given; handed back without the sentinel, so
        # that a later write through them is checked as queue_job's own
        jobs.update(zip(new, stored.with_context(_job_edit_sentinel=None), strict=True))
        return {log: jobs[keys[log]] for log in self}

    def _karage_link_job(self, job, answer=None):
        """Link the enqueued ``job`` (and store the 202 ``answer``), in one
        write."""
        self.ensure_one()
        values = {
            "job_id": job.id,
            "payload_hash": content_fingerprint(json.loads(self.payload)),
        }
        if answer is not None:
            values["response"] = self._karage_json(answer)
        self.sudo().write(values)

    # the job -------------------------------------------------------------

    def _karage_process_job(self):
        """Job: create the order of this log.

        An order accepted here ends created, or failed for a reason an
        operator must fix (unknown product, amounts that do not reconcile,
        unmapped payment, missing tax): that fails the job at once with the
        seed's message, to be requeued once fixed. Anything transient (the
        session being closed, a lock conflict, a lost database connection,
        an OrderID a concurrent job has not committed yet) runs the job
        again with backoff, without spending a retry. An order that already
        exists with this content (a requeue of a done job) is linked, not
        created again.
        """
        self.ensure_one()
        # read first: the backoff must not need the database it may wait for
        created = self.job_id.date_created or self.create_date
        try:
            return self._karage_create_order(created)
        except OperationalError as error:
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise self._karage_retry(created, str(error).strip()) from error
            # a hot row (the stock quant of a product every order sells)
            # updated by a concurrent job: run again in a second with a fresh
            # snapshot (queue_job's own handling would wait 5 s); the order
            # was rolled back whole
            _logger.info("Karage: a job met a concurrent update, running it again")
            raise RetryableJobError(
                f"Concurrent update, run again: {error.pgerror}",
                seconds=1,
                ignore_retry=True,
            ) from error
        except DATABASE_ERRORS as error:
            raise self._karage_retry(created, str(error).strip()) from error

    def _karage_create_order(self, created):
        document, errors = validate_order(json.loads(self.payload))
        if errors:
            # a log written before acceptance checked this: never expected
            raise FailedJobError(describe_errors(errors))
        order_id = order_key(document)
        with self.env["karage.pos.collection"].work_on("pos.order") as work:
            existing = work.component(usage="duplicate.checker").existing_order(
                order_id
            )
            if existing:
                return self._karage_link_existing(existing)
            try:
                # the sender's checks ran at acceptance; the settings may have
                # changed since, the accepted order stands
                order = work.component(usage="order.importer").create_accepted(document)
            except DATABASE_ERRORS:
                raise
            except (DuplicateOrder, RetryLater) as error:
                # created by a concurrent job not committed yet, or the
                # session is being closed: wait
                raise self._karage_retry(created, error.message) from error
            except KaragePosError as error:
                raise FailedJobError(error.message) from error
            except Exception as error:
                _logger.exception(
                    "Karage: internal error while creating order %s", order_id
                )
                raise FailedJobError(InternalError(order_id).message) from error
        self._karage_link_order(order)
        return _("Created %s", order.name)

    def _karage_link_existing(self, order):
        """Link the order that exists, if it is this log's content."""
        creator = self.search(
            [("pos_order_id", "=", order.id), ("payload_hash", "!=", False)], limit=1
        )
        if creator and self.payload_hash and creator.payload_hash != self.payload_hash:
            raise FailedJobError(
                f"Duplicate order: OrderID {self.external_order_id} already exists "
                f"as {order.name} with different content; this log's content was "
                "not booked: send it under another OrderID if it is a sale too"
            )
        self._karage_link_order(order)
        return _("Order %s already imported", order.name)

    def _karage_retry(self, created, reason):
        """Run the job again later, with a backoff that grows with its age
        (half the time since it was created, from 5 s to 10 min), without
        spending one of its retries."""
        age = (fields.Datetime.now() - created).total_seconds()
        seconds = int(min(RETRY_MAX_SECONDS, max(RETRY_MIN_SECONDS, age / 2)))
        _logger.info("Karage: a job runs again in %s s: %s", seconds, reason)
        return RetryableJobError(
            f"Waiting, runs again in {seconds} s: {reason}",
            seconds=seconds,
            ignore_retry=True,
        )

    def _karage_link_order(self, order):
        body = answers.order_success(order, self.external_order_id)
        # the logs of the same order that shared this job are done too
        sharing = (
            self.search([("job_id", "=", self.job_id.id), ("pos_order_id", "=", False)])
            if self.job_id
            else self
        )
        (self | sharing).sudo().write(
            {
                "pos_order_id": order.id,
                "pos_config_id": order.config_id.id,
                "status_code": 200,
                "response": self._karage_json(body),
                "error": False,
            }
        )

    def _karage_related_action(self):
        """Open the created order when there is one, else this log."""
        self.ensure_one()
        if self.pos_order_id:
            return self.action_open_order()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    # operator actions -----------------------------------------------------

    def action_requeue(self):
        """Run the orders of these logs again (after fixing the cause).

        Only POS managers may. Logs whose order exists are left alone; each
        other accepted order runs its own log's payload: its failed or
        cancelled job is requeued, and a log without a job of its own (none,
        or one shared with another log of the same OrderID) gets one.
        """
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only Point of Sale administrators may requeue Karage orders.")
            )
        for log in self.filtered(lambda log: not log.pos_order_id):
            if not 200 <= log.status_code < 300:
                continue
            job = log.job_id.sudo()
            if job and job.records == log:
                if job.state in ("failed", "cancelled", "done"):
                    job.requeue()
            else:
                bulk = log.endpoint.endswith("bulk")
                log._karage_link_job(log._karage_enqueue(bulk=bulk)[log])
        return True
