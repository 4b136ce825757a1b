# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging
import uuid
from datetime import timedelta

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import api, fields, models

from ..exceptions import DuplicateOrder, KaragePosError, OrderBusy
from ..models.pos_order import KARAGE_SOURCE

_logger = logging.getLogger(__name__)

HOLDER = "karage_pos.claim_holder"


def request_fingerprint(body):
    """SHA-256 of the request body, independent of key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


INSERT_CLAIMS = """
    INSERT INTO karage_pos_idempotency
        (key, kind, state, endpoint, request_hash, external_order_id,
         processing_started_at, user_id, company_id, claim_token,
         create_uid, write_uid, create_date, write_date)
    SELECT r.*, r.user_id, r.user_id, r.started, r.started
      FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[],
                  %s::varchar[], %s::varchar[], %s::varchar[],
                  %s::timestamp[], %s::int[], %s::int[], %s::varchar[])
        AS r(key, kind, state, endpoint, request_hash,
             external_order_id, started, user_id, company_id, token)
    ON CONFLICT (key, kind, company_id) DO NOTHING
    RETURNING id"""


def _columns(rows):
    """The rows as one array per column, for ``unnest``."""
    return [list(column) for column in zip(*rows, strict=True)]


class KaragePosIdempotency(models.Model):
    """A claim on one ``Idempotency-Key``, or on one ``OrderID``.

    A request claims its ``Idempotency-Key`` header, and each order it
    carries claims its ``OrderID``. The claim is committed at once in its
    own transaction (state processing, visible to all), then held by a row
    lock of a second database connection until the request's transaction
    ends: a concurrent copy is refused 409 at once. The request's commit
    stores the answer (completed); its rollback releases the claim (failed).
    A claim left processing by a crash is taken over at once: its lock went
    with the crashed request's connection, and a row this request can lock
    no live request holds. (Inside tests, where one connection holds
    everything, it is taken over once older than the Processing Timeout.)

    Same key and same body: the stored answer is replayed. Same key, other
    body: 422. An ``OrderID`` claim is never replayed: a second request for
    an order that exists gets the seed's "Duplicate order" 409.
    """

    _name = "karage.pos.idempotency"
    _inherit = ["karage.pos.retention.mixin"]
    _description = "Karage POS Idempotency Record"
    _order = "id desc"
    _rec_name = "key"

    key = fields.Char(required=True, readonly=True, index=True)
    kind = fields.Selection(
        [("header", "Idempotency-Key"), ("order", "OrderID")],
        required=True,
        default="header",
        readonly=True,
        help="What the key is: the request's Idempotency-Key header, or an "
        "order's OrderID (every order is claimed by its OrderID).",
    )
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
    claim_token = fields.Char(
        readonly=True,
        copy=False,
        help="Which request holds the claim (a random id per transaction).",
    )
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
            "UNIQUE(key, kind, company_id)",
            "An idempotency key is used once per company.",
        )
    ]

    # claiming ----------------------------------------------------------------

    @api.model
    def _karage_claim(self, kind, entries):
        """Claim ``entries`` for the current request's transaction.

        :param kind: ``"header"`` or ``"order"``
        :param entries: ``[(key, fingerprint, endpoint, external_order_id)]``
            with distinct keys
        :returns: ``{key: verdict}``; a verdict is ``("claimed", id)``,
            ``("replay", (code, body))`` or ``("refused", KaragePosError)``
        """
        if not entries:
            return {}
        holder = self._karage_holder()
        self._karage_insert(holder, kind, entries)
        keys = tuple(entry[0] for entry in entries)
        # what each claim looks like now (READ COMMITTED), without locking:
        # a request locks only what it takes, never what it refuses
        rows = self._karage_rows(holder, kind, keys)
        conflicts = (
            self._karage_order_conflicts(holder, entries) if kind == "order" else {}
        )
        verdicts, candidates, probes = {}, {}, {}
        for entry in entries:
            key = entry[0]
            verdict = conflicts.get(key) or self._karage_verdict(
                holder, kind, entry, rows.get(key)
            )
            if verdict and verdict[0] != "probe":
                verdicts[key] = verdict
                continue
            candidates[rows[key][0]] = entry
            if verdict:
                # (state, token) as judged above, with the conflicts
                probes[rows[key][0]] = rows[key][2], rows[key][6]
        verdicts.update(self._karage_take(holder, kind, keys, candidates, probes))
        return verdicts

    @api.model
    def _karage_take(self, holder, kind, keys, candidates, probes=None):
        """Lock the ``candidates`` ({claim id: entry}) and mark them this
        request's; one another request took first is busy.

        ``probes`` ({claim id: (state, token)}): claims seen processing by
        another request, taken only if still so once locked (their request
        died). One that changed meanwhile was settled by a request that
        ended in between, whose order the conflicts read before the lock
        could not see: busy, judged afresh when sent again.
        """
        verdicts, taken = {}, []
        probes = probes or {}
        locked = self._karage_rows(holder, kind, keys, ids=tuple(candidates), lock=True)
        for record_id, entry in candidates.items():
            key, fingerprint, endpoint, order_id = entry
            row = locked.get(key)
            if row and record_id in probes and probes[record_id] != (row[2], row[6]):
                row = None
            verdict = (
                self._karage_verdict(holder, kind, entry, row, locked=True)
                if row
                else ("refused", self._karage_busy(kind, key))
            )
            if verdict:
                verdicts[key] = verdict
                continue
            verdicts[key] = ("claimed", record_id)
            holder.claimed.add(record_id)
            taken.append((record_id, fingerprint, endpoint, order_id))
        if taken:
            now = fields.Datetime.now()
            # one statement for all the claims taken
            holder.execute(
                """UPDATE karage_pos_idempotency AS claim
                      SET state = 'processing', request_hash = r.request_hash,
                          endpoint = r.endpoint,
                          external_order_id = r.external_order_id,
                          processing_started_at = %s, claim_token = %s,
                          user_id = %s, write_uid = %s, write_date = %s
                     FROM unnest(%s::int[], %s::varchar[], %s::varchar[],
                                 %s::varchar[])
                       AS r(id, request_hash, endpoint, external_order_id)
                    WHERE claim.id = r.id""",
                [now, holder.token, self.env.uid, self.env.uid, now] + _columns(taken),
            )
        return verdicts

    @api.model
    def _karage_rows(self, holder, kind, keys, ids=None, lock=False):
        """``{key: row}`` of the claims on ``keys`` (only ``ids`` when
        locking, skipping those another request holds)."""
        query = """SELECT id, key, state, request_hash, response_code,
                          response_body, claim_token,
                          COALESCE(processing_started_at, create_date)
                     FROM karage_pos_idempotency
                    WHERE company_id = %s AND kind = %s AND key IN %s"""
        params = [self.env.company.id, kind, keys]
        if lock:
            if not ids:
                return {}
            query += " AND id IN %s FOR UPDATE SKIP LOCKED"
            params.append(ids)
        holder.execute(query, params)
        return {row[1]: row for row in holder.fetchall()}

    @api.model
    def _karage_verdict(self, holder, kind, entry, row, locked=False):
        """``None`` when ``row`` may be claimed for ``entry``, else the
        verdict (``("replay", answer)`` or ``("refused", error)``).

        ``locked``: ``row`` was read under this request's lock, so no live
        request holds it.
        """
        key, fingerprint = entry[0], entry[1]
        if row is None:
            # inserted by a request that rolled back in between: next time
            return ("refused", self._karage_busy(kind, key))
        __, __, state, stored_hash, code, body, token, started = row
        if token == holder.token:
            return None  # inserted or taken by this request
        if kind == "header" and state == "completed":
            if stored_hash != fingerprint:
                return ("refused", self._karage_other_body(key))
            return ("replay", (code, json.loads(body or "null")))
        if state == "processing" and started + self._karage_timeout() > (
            fields.Datetime.now()
        ):
            if not holder.test_mode:
                # a live request holds its claims' row locks until it ends:
                # one this request can lock is a crashed request's, taken
                # at once (decided when locked, see _karage_take)
                return None if locked else ("probe", None)
            # another request works on it, or crashed less than the
            # processing timeout ago (a test's single connection cannot
            # tell them apart)
            return ("refused", self._karage_busy(kind, key))
        return None

    @api.model
    def _karage_timeout(self):
        minutes = self.env["res.config.settings"]._karage_setting("processing_timeout")
        return timedelta(minutes=minutes)

    @api.model
    def _karage_order_conflicts(self, holder, entries):
        """``{OrderID: verdict}`` of orders that may not be claimed: those
        Odoo already has (read on the claims' connection, which sees what
        was committed a moment ago, unlike the request's snapshot)."""
        holder.execute(
            """SELECT external_order_id FROM pos_order
                WHERE external_order_source = %s AND company_id = %s
                  AND external_order_id IN %s""",
            [KARAGE_SOURCE, self.env.company.id, tuple(e[0] for e in entries)],
        )
        return {
            order_id: (
                "refused",
                DuplicateOrder(f"Duplicate order: OrderID {order_id} already exists"),
            )
            for (order_id,) in holder.fetchall()
        }

    @api.model
    def _karage_settle(self, record_id, code, body, final=True):
        """Remember the answer of a claim, stored when the request commits.

        A final answer completes the claim (replayed for an Idempotency-Key);
        another one (``final=False``, or a 5xx) leaves it failed: free.
        """
        holder = self._karage_holder()
        state = "completed" if final and code < 500 else "failed"
        holder.outcomes[record_id] = (state, code, body)
        if holder.test_mode:
            holder.store_outcomes()

    @api.model
    def _karage_busy(self, kind, key):
        if kind == "header":
            message = (
                f"A request with Idempotency-Key {key} is still being processed; "
                "retry later"
            )
        else:
            message = (
                f"OrderID {key} is still being processed by another request; "
                "retry later"
            )
        return OrderBusy(message)

    @api.model
    def _karage_other_body(self, key):
        return KaragePosError(
            f"Idempotency-Key {key} was already used with a different request body",
            status=422,
        )

    @api.model
    def _karage_holder(self):
        """The claims of the current transaction (one per transaction)."""
        # postcommit's data lives as long as the transaction (precommit's is
        # cleared by every flush)
        data = self.env.cr.postcommit.data
        holder = data.get(HOLDER)
        if holder is None or holder.closed:
            holder = data[HOLDER] = _ClaimHolder(self.env)
        return holder

    @api.model
    def _karage_insert(self, holder, kind, entries):
        """Insert the claims not recorded yet, committed in their own
        transaction so that everybody sees them processing at once."""
        rows = self._karage_new_rows(holder, kind, entries)
        if holder.test_mode:
            self.env.cr.execute(INSERT_CLAIMS, _columns(rows))
            holder.inserted.update(row[0] for row in self.env.cr.fetchall())
            return
        with _read_committed(self.env.registry.cursor()) as cr:
            # only the keys never seen: inserting a key whose row another
            # request holds (and may be updating) would wait for it to end
            cr.execute(
                """SELECT key FROM karage_pos_idempotency
                    WHERE company_id = %s AND kind = %s AND key IN %s""",
                [self.env.company.id, kind, tuple(row[0] for row in rows)],
            )
            known = {key for (key,) in cr.fetchall()}
            rows = [row for row in rows if row[0] not in known]
            if rows:
                cr.execute(INSERT_CLAIMS, _columns(rows))
                holder.inserted.update(row[0] for row in cr.fetchall())

    @api.model
    def _karage_new_rows(self, holder, kind, entries):
        """The claim rows of ``entries``, processing for this request."""
        now = fields.Datetime.now()
        return [
            (
                key,
                kind,
                "processing",
                endpoint,
                fingerprint,
                order_id,
                now,
                self.env.uid,
                self.env.company.id,
                holder.token,
            )
            for key, fingerprint, endpoint, order_id in entries
        ]

    def _karage_cleanup_domain(self, limit_date):
        # a claim still processing is a request running (or crashed less
        # than the timeout ago): never deleted under it
        return super()._karage_cleanup_domain(limit_date) + [
            ("state", "!=", "processing")
        ]


def _read_committed(cr):
    """``cr`` in READ COMMITTED, for the claims only.

    Each statement then sees what was committed before it: claims inserted
    or settled by other requests after this transaction began are locked
    and judged as they are now, and ``INSERT ... ON CONFLICT DO NOTHING``
    never fails on a row another request has just written (under Odoo's
    REPEATABLE READ it raises a serialization failure). Odoo sets its own
    level again on every cursor it opens on this connection.
    """
    cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
    return cr


class _ClaimHolder:
    """The claims of one transaction and the connection that locks them.

    Outside tests the row locks are held by a second connection, in a
    transaction that ends with the request's: committed with the answers
    after the request commits, rolled back (claims released) after it rolls
    back. Inside tests there is one connection: the claims live in the
    test's own transaction and are settled at once.
    """

    def __init__(self, env):
        self.test_mode = env.registry.in_test_mode()
        self.token = uuid.uuid4().hex
        self.cr = env.cr if self.test_mode else _read_committed(env.registry.cursor())
        if not self.test_mode:
            # the locks are the claims: a server-wide idle timeout must not
            # end this transaction while the request still works (another
            # request would take its claims as a crashed one's)
            self.cr.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        # claims this transaction inserted, and those it holds
        self.inserted, self.claimed, self.outcomes = set(), set(), {}
        self.closed = False
        if not self.test_mode:
            env.cr.postcommit.add(self.settle)
            env.cr.postrollback.add(self.release)

    def execute(self, query, params):
        self.cr.execute(query, params)

    def fetchall(self):
        return self.cr.fetchall()

    def store_outcomes(self):
        if not self.outcomes:
            return
        now = fields.Datetime.now()
        rows = [
            (record_id, state, code, json.dumps(body, default=str))
            for record_id, (state, code, body) in self.outcomes.items()
        ]
        # one statement for all the answers
        self.cr.execute(
            """UPDATE karage_pos_idempotency AS claim
                  SET state = r.state, response_code = r.response_code,
                      response_body = r.response_body, completed_at = %s,
                      write_date = %s
                 FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::text[])
                   AS r(id, state, response_code, response_body)
                WHERE claim.id = r.id""",
            [now, now] + _columns(rows),
        )
        self.claimed.difference_update(self.outcomes)
        self.inserted.difference_update(self.outcomes)
        self.outcomes = {}

    def settle(self):
        """Store the answers of the claims (after the request committed)."""
        try:
            self.store_outcomes()
            # a claim without an answer (refused, never reached) is released
            if self.claimed | self.inserted:
                self._release_rows(tuple(self.claimed | self.inserted))
            # the claims' own connection, never the request's transaction
            self.cr.commit()  # pylint: disable=invalid-commit
        except Exception:
            # the request is committed: a claim left processing is taken
            # over after the timeout, nothing else is at stake
            _logger.exception("Karage: could not store idempotency answers")
        finally:
            self._close()

    def release(self):
        """Release the claims of a request that rolled back."""
        try:
            self.cr.rollback()
            if self.claimed | self.inserted:
                self._release_rows(tuple(self.claimed | self.inserted))
                self.cr.commit()  # pylint: disable=invalid-commit
        except Exception:
            _logger.warning(
                "Karage: could not release idempotency claims; they are taken "
                "over after the processing timeout",
                exc_info=True,
            )
        finally:
            self._close()

    def _release_rows(self, ids):
        # only what this transaction still holds: never wait on another's
        # (a claim it inserted may have been taken by another request since,
        # which holds its lock until that request ends)
        self.cr.execute(
            """UPDATE karage_pos_idempotency SET state = 'failed'
                WHERE id IN (
                    SELECT id FROM karage_pos_idempotency
                     WHERE id IN %s AND state = 'processing'
                       AND claim_token = %s
                       FOR UPDATE SKIP LOCKED)""",
            [ids, self.token],
        )

    def _close(self):
        self.closed = True
        if not self.test_mode:
            self.cr.close()
