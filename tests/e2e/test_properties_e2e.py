# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The accountant's oracle, property-based, over real HTTP.

Hypothesis generates Karage orders (karage_strategies.py): valid ones at
every boundary, invalid ones in every field, repeats of earlier OrderIDs
(the same order again, another content) and requests broken before any
order is read. They are posted as single orders, ``{"orders": [...]}`` bulks
and bare-array bulks to the served Odoo, in the mode of its database: "sync"
(karage_pos alone: 200 and the order) or "queue" (karage_pos_queue: 202 and
a job). The oracle:

1. never a 5xx (a JSON 503 with Retry-After, the database being away, is
   sent again and counted apart);
2. a refusal is a 4xx of the expected kind (400 naming the field in
   ``details``, 409 duplicate or conflict, 413, 415, 422 business refusal)
   and wrote nothing: no pos.order for that OrderID unless an earlier
   request had it accepted, and in queue mode no job for it;
3. every accepted order ends as exactly one paid pos.order with Karage's
   figures to the cent: total, tax, payments per payment method (change
   given back in cash only);
4. every session that received these orders then closes the normal way
   and its journal entries balance.

Size: KARAGE_PROPERTY_ORDERS generated orders per run (default 150, what
setup/test runs; setup/reliability runs 2000), KARAGE_PROPERTY_BATCH orders
per bulk at most (default 20) and KARAGE_PROPERTY_SECONDS (default 100)
after which no more orders are sent (the checks still run). Runs are
derandomized (the same orders for the same code) and keep no example
database. KARAGE_PROPERTY_REPORT names a JSON file for every violation
({mode} is replaced), KARAGE_PROPERTY_SAMPLE how many characters of each
payload and answer it keeps (default 700).
"""

import json
import os
import re
import tempfile
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from karage_endpoints import BULK, SINGLE
from karage_strategies import (
    ACCEPT,
    CARD,
    CASH,
    Context,
    case_strategy,
    content_key,
    now_utc,
    resolve_repeats,
)

# Hypothesis keeps caches (never examples: database=None) out of the repository
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "karage-hypothesis"))

SOURCE = "karage_pos_webhook"
ORDERS = int(os.environ.get("KARAGE_PROPERTY_ORDERS", "150"))
BATCH = int(os.environ.get("KARAGE_PROPERTY_BATCH", "20"))
SECONDS = float(os.environ.get("KARAGE_PROPERTY_SECONDS", "100"))
JOB_DONE = ("done", "failed", "cancelled")
CHUNK = 400
# characters of a payload or answer kept in a violation
LIMIT = int(os.environ.get("KARAGE_PROPERTY_SAMPLE", "700"))


def to_cents(value):
    if not isinstance(value, Decimal):
        value = Decimal(repr(value))
    return int((value * 100).to_integral_value())


def reason(code, body):
    """Status and first words of an error: what a refusal is grouped by."""
    error = (body or {}).get("error") if isinstance(body, dict) else None
    words = str(error or "").split(":")[0].strip()
    return f"{code} {re.sub(r'[0-9]+', 'N', words)[:48]}".strip()


class Run:
    """One property run against the served Odoo: requests, ledger, verdict."""

    def __init__(self, odoo, mode):
        self.odoo = odoo
        self.mode = mode
        self.accepted_code = 202 if mode == "queue" else 200
        self.generated = 0
        self.requests = 0
        self.kinds = Counter()
        self.refused = Counter()
        self.server_errors = 0
        self.unavailable = 0
        self.violations = []
        self.operator_failures = Counter()
        # normalized OrderID -> the first accepted Case, its content and
        # whether the server accepted it although it should not have
        self.accepted = {}
        # normalized OrderIDs refused and never accepted; raw spellings sent
        self.refused_ids = set()
        self.spellings = {}
        # normalized OrderID -> answers so far, "kind status" each
        self.history = {}
        # sales a refund accepted so far returned whole
        self.fully_refunded = set()
        self.accepted_answers = 0
        self.http_seconds = 0.0
        self.started = time.monotonic()

    # requests -----------------------------------------------------------

    def violation(self, what, case=None, code=None, body=None):
        sample = None
        if case is not None:
            sample = case.raw if case.raw is not None else case.body()
            sample = sample[:LIMIT]
        self.violations.append(
            {
                "what": what,
                "kind": case.kind if case else None,
                "status": code,
                "body": json.dumps(body)[:LIMIT] if body is not None else None,
                "payload": sample,
            }
        )

    def send(self, path, text, content_type="application/json"):
        """POST; a JSON 503 (database away) is sent again, at most 3 times."""
        retried = False
        for __ in range(4):
            self.requests += 1
            started = time.monotonic()
            try:
                response = requests.post(
                    self.odoo.url + path,
                    data=text.encode("utf-8"),
                    headers={
                        "Content-Type": content_type,
                        "X-API-KEY": self.odoo.key,
                    },
                    timeout=600,
                )
            except requests.RequestException as error:
                return None, {"error": f"no answer: {error}"}, retried
            finally:
                self.http_seconds += time.monotonic() - started
            try:
                body = response.json()
            except ValueError:
                body = {"error": f"not JSON: {response.text[:300]}"}
            if response.status_code == 503 and response.headers.get("Retry-After"):
                self.unavailable += 1
                retried = True
                time.sleep(min(float(response.headers["Retry-After"]), 10))
                continue
            if response.status_code >= 500:
                self.server_errors += 1
            return response.status_code, body, retried
        return 503, body, retried

    def post(self, cases, how):
        self.generated += len(cases)
        for case in cases:
            self.kinds[case.kind.split(":")[0]] += 1
            if case.order_id is not None and not case.refund:
                # a refund is filed under its key, whatever the spelling
                self.spellings.setdefault(case.order_id, set()).add(
                    str(case.payload["OrderID"])
                )
        if how == "singles":
            for case in cases:
                code, body, retried = self.send(SINGLE, case.body(), case.content_type)
                self.judge(case, code, body, retried)
            return
        orders = [case.payload for case in cases]  # broken requests go alone
        text = json.dumps(
            orders if how == "array" else {"orders": orders}, allow_nan=True
        )
        code, body, retried = self.send(BULK, text)
        results = (
            (body.get("data") or {}).get("results") if code and code < 300 else None
        )
        if code is None or code >= 500:
            for case in cases:
                self.violation(f"bulk answered {code}", case, code, body)
            return
        if not isinstance(results, list) or len(results) != len(cases):
            self.violation(
                f"bulk of {len(cases)} answered {code} without one result each",
                cases[0],
                code,
                body,
            )
            return
        if code != self.accepted_code:
            self.violation(f"bulk answered {code}", cases[0], code, body)
        for case, result in zip(cases, results, strict=True):
            if (result.get("status_code") or 0) >= 500:
                self.server_errors += 1  # a 5xx for one order of the bulk
            self.judge(case, result.get("status_code"), result, retried)

    # the oracle at answer time ---------------------------------------------

    def expected(self, case):
        """Statuses allowed for ``case`` given what was accepted before."""
        if case.refund:
            return self.refund_expected(case)
        first = self.accepted.get(case.order_id)
        if case.expect == ACCEPT:
            if first is None:
                return {self.accepted_code}
            if first["content"] == content_key(case.payload):
                # the same order again: a duplicate (queued: while its job
                # waits it may be accepted again, never twice created)
                return {409} if self.mode == "sync" else {202, 409}
            return {409}  # another content for an accepted OrderID
        if first is not None and case.expect in (400, 422):
            # an OrderID accepted before is a duplicate before any check
            # that depends on the order (a 400 of the schema comes first)
            return {case.expect, 409}
        if case.operator and self.mode == "queue":
            return {422, 202}
        return {case.expect}

    def refund_expected(self, case):
        """A refund of a sale accepted with the content it was made from is
        accepted once: again it is a duplicate, after another refund
        returned everything it is more than was sold."""
        first = self.accepted.get(case.order_id)
        if first is not None:
            if first["content"] == content_key(case.payload):
                return {409} if self.mode == "sync" else {202, 409}
            return {409}
        if case.refund != "full":
            return {422}
        sale = self.accepted.get(case.sale_id)
        if sale is None or sale["tainted"] or sale["content"] != case.sale_content:
            # the sale was refused, or accepted with other content
            case.lenient = True
            return {422, 409, self.accepted_code}
        if case.sale_id in self.fully_refunded:
            return {422}
        return {self.accepted_code}

    def judge(self, case, code, body, retried):
        oid = case.order_id
        allowed = self.expected(case)
        first = self.accepted.get(oid)
        if code is None or code >= 500:
            self.violation(f"answered {code}", case, code, body)
            return
        if code in (200, 202):
            self.accepted_answers += 1
        else:
            self.refused[reason(code, body)] += 1
        if retried and code == 409 and self.accepted_code in allowed:
            # an attempt answered 503 may have been committed before
            allowed = allowed | {409}
        if first is not None and first["tainted"]:
            allowed = {200, 202, 400, 409, 422}
        if code not in allowed:
            what = f"expected {sorted(allowed)}, got {code}"
            if code == 422 and case.expect == ACCEPT:
                what += explain_cents(case, body)
            if self.history.get(oid):
                what += f" (earlier for this OrderID: {', '.join(self.history[oid])})"
            if case.refund and self.history.get(case.sale_id):
                sale = ", ".join(self.history[case.sale_id])
                what += f" (its sale {case.sale_id!r}: {sale})"
            self.violation(what, case, code, _short(body))
        else:
            self.check_body(case, code, body, allowed, first)
        if oid is None:
            return
        self.history.setdefault(oid, []).append(f"{case.kind} {code}")
        if code in (200, 202) and first is None:
            self.accepted[oid] = {
                "case": case,
                "content": content_key(case.payload),
                "tainted": case.expect != ACCEPT or case.lenient,
            }
            if case.refund:
                self.fully_refunded.add(case.sale_id)
            self.refused_ids.discard(oid)
        elif code not in (200, 202) and first is None:
            self.refused_ids.add(oid)

    def check_body(self, case, code, body, allowed, first):
        """The answer says what the status means: field, reason, figures."""
        error = str(body.get("error") or "")
        if code == 400 and case.path:
            details = body.get("details") or {}
            if not any(
                key == case.path or key.startswith(case.path + ".") for key in details
            ):
                self.violation(
                    f"400 details do not name {case.path}", case, code, _short(body)
                )
        elif code == 422 and case.expect == 422:
            if case.words and not error.startswith(case.words) and 409 not in allowed:
                self.violation(
                    f"422 error does not start with {case.words!r}",
                    case,
                    code,
                    _short(body),
                )
            missing = [m for m in case.mentions if m not in error]
            if missing:
                self.violation(
                    f"422 error does not mention {missing}", case, code, _short(body)
                )
        elif (
            code == 409
            and self.mode == "sync"
            and first is not None
            and not case.refund
        ):
            duplicate = f"Duplicate order: OrderID {case.order_id}"
            if first["content"] == content_key(case.payload) and not (
                error.startswith(duplicate)
            ):
                self.violation(
                    "duplicate answered without the seed's message",
                    case,
                    code,
                    _short(body),
                )
        elif code == 200 and self.mode == "sync":
            if (body.get("data") or {}).get("state") != "paid":
                self.violation("200 without a paid order", case, code, _short(body))

    # the oracle afterwards --------------------------------------------------

    def wait_for_jobs(self, timeout):
        """Queue mode: wait until every job of these orders has finished."""
        ids = self._all_spellings(self.accepted)
        deadline = time.monotonic() + timeout
        pending = []
        while time.monotonic() < deadline:
            pending = []
            for chunk in _chunks(ids):
                pending += self.odoo.admin(
                    "karage.pos.webhook.log",
                    "search_read",
                    [
                        ("external_order_id", "in", chunk),
                        ("job_id", "!=", False),
                        ("job_state", "not in", list(JOB_DONE)),
                    ],
                    fields=["external_order_id"],
                )
            if not pending:
                return
            time.sleep(2)
        self.violation(
            f"{len(pending)} jobs still unfinished after {timeout:.0f} s: "
            + ", ".join(sorted({p["external_order_id"] for p in pending})[:10])
        )

    def _all_spellings(self, ids):
        return sorted(
            {s for oid in ids for s in self.spellings.get(oid, ())} | set(ids)
        )

    def check_orders(self, first_new_id):
        """Every accepted order paid once with Karage's figures; nothing else."""
        orders = []
        for chunk in _chunks(sorted(self.accepted)):
            orders += self.odoo.admin(
                "pos.order",
                "search_read",
                [
                    ("external_order_source", "=", SOURCE),
                    ("external_order_id", "in", chunk),
                ],
                fields=[
                    "external_order_id",
                    "state",
                    "amount_total",
                    "amount_tax",
                    "amount_paid",
                    "amount_return",
                    "session_id",
                ],
            )
        by_id = {}
        for order in orders:
            by_id.setdefault(order["external_order_id"], []).append(order)
        payments = self._payments([o["id"] for o in orders])
        failed_jobs = self._failed_jobs() if self.mode == "queue" else {}
        paid_once = 0
        for oid, first in self.accepted.items():
            case = first["case"]
            found = by_id.get(oid, [])
            error = failed_jobs.get(oid)
            if first["tainted"]:
                if case.operator and not found and error:
                    self.operator_failures[error.split(":")[0][:40]] += 1
                elif not case.operator or len(found) == 1:
                    # a violation when answered, or created from the
                    # sender's corrected content sent after its job failed
                    continue
                else:
                    self.violation(
                        f"operator case {oid!r} became {len(found)} pos.order"
                        f" (job error: {error})",
                        case,
                    )
                continue
            if len(found) != 1:
                self.violation(
                    f"accepted order {oid!r} became {len(found)} pos.order"
                    + (f"; its job failed: {error}" if error else ""),
                    case,
                )
                continue
            if self._figures_differ(case, found[0], payments.get(found[0]["id"], [])):
                continue
            paid_once += 1
        # no order for a refused OrderID, none created twice, none unasked
        created = self.odoo.admin(
            "pos.order",
            "search_read",
            [("id", ">=", first_new_id), ("external_order_source", "=", SOURCE)],
            fields=["external_order_id"],
        )
        counts = Counter(o["external_order_id"] for o in created)
        for oid, count in counts.items():
            if oid not in self.accepted:
                if oid in self.history:
                    self.violation(f"pos.order written for refused OrderID {oid!r}")
                # else: another test's order, created meanwhile
            elif count > 1:
                self.violation(f"OrderID {oid!r} created {count} times")
        if self.mode == "queue":
            self._check_no_job_for_refused()
        return orders, paid_once

    def _payments(self, order_ids):
        payments = []
        for chunk in _chunks(order_ids):
            payments += self.odoo.admin(
                "pos.payment",
                "search_read",
                [("pos_order_id", "in", chunk)],
                fields=["pos_order_id", "amount", "payment_method_id", "is_change"],
            )
        methods = {p["payment_method_id"][0] for p in payments}
        cash = {
            m["id"]: m["is_cash_count"]
            for m in self.odoo.admin(
                "pos.payment.method", "read", sorted(methods), ["is_cash_count"]
            )
        }
        by_order = {}
        for payment in payments:
            payment["cash"] = cash[payment["payment_method_id"][0]]
            by_order.setdefault(payment["pos_order_id"][0], []).append(payment)
        return by_order

    def _figures_differ(self, case, order, payments):
        figures = case.figures
        wanted = {
            "state": "paid",
            "amount_total": to_cents(figures["total"]),
            "amount_tax": to_cents(figures["tax"]),
            "amount_paid": to_cents(figures["total"]),
            "amount_return": to_cents(figures["change"]),
            "cash": to_cents(figures["paid_by_mode"].get(CASH, 0)),
            "card": to_cents(figures["paid_by_mode"].get(CARD, 0)),
            "change": -to_cents(figures["change"]),
        }
        got = {
            "state": order["state"],
            "amount_total": to_cents(order["amount_total"]),
            "amount_tax": to_cents(order["amount_tax"]),
            "amount_paid": to_cents(order["amount_paid"]),
            "amount_return": to_cents(order["amount_return"]),
            "cash": sum(
                to_cents(p["amount"])
                for p in payments
                if p["cash"] and not p["is_change"]
            ),
            "card": sum(
                to_cents(p["amount"])
                for p in payments
                if not p["cash"] and not p["is_change"]
            ),
            "change": sum(
                to_cents(p["amount"]) for p in payments if p["is_change"] and p["cash"]
            ),
        }
        if any(p["is_change"] and not p["cash"] for p in payments):
            got["change"] = "given back by card"
        diff = {k: (wanted[k], got[k]) for k in wanted if wanted[k] != got[k]}
        if diff:
            self.violation(
                f"order {order['external_order_id']!r} differs (cents, "
                f"expected vs Odoo): {diff}",
                case,
            )
        return bool(diff)

    def _failed_jobs(self):
        logs = []
        for chunk in _chunks(self._all_spellings(self.accepted)):
            logs += self.odoo.admin(
                "karage.pos.webhook.log",
                "search_read",
                [
                    ("external_order_id", "in", chunk),
                    ("job_state", "in", ["failed", "cancelled"]),
                ],
                fields=["external_order_id", "job_error"],
            )
        return {log["external_order_id"].strip(): log["job_error"] for log in logs}

    def _check_no_job_for_refused(self):
        refused = self._all_spellings(self.refused_ids)
        for chunk in _chunks(refused):
            logs = self.odoo.admin(
                "karage.pos.webhook.log",
                "search_read",
                [("external_order_id", "in", chunk), ("job_id", "!=", False)],
                fields=["external_order_id", "status_code"],
            )
            for log in logs:
                self.violation(
                    f"refused OrderID {log['external_order_id']!r} has a job "
                    f"(log status {log['status_code']})"
                )

    def close_sessions(self, orders):
        """Close every session of these orders; its journal must balance."""
        session_ids = sorted({o["session_id"][0] for o in orders if o["session_id"]})
        closed = 0
        for session_id in session_ids:
            [session] = self.odoo.admin(
                "pos.session", "read", [session_id], ["state", "name"]
            )
            if session["state"] != "closed":
                try:
                    result = self.odoo.admin(
                        "pos.session",
                        "action_pos_session_closing_control",
                        [session_id],
                    )
                except AssertionError as error:
                    self.violation(f"closing {session['name']} failed: {error}"[:900])
                    continue
                if isinstance(result, dict) and result.get("res_model"):
                    self.violation(
                        f"closing {session['name']} asked for {result['res_model']}"
                    )
            [session] = self.odoo.admin(
                "pos.session", "read", [session_id], ["state", "name", "move_id"]
            )
            if session["state"] != "closed":
                self.violation(f"{session['name']} is {session['state']} after closing")
                continue
            if self._journal_balanced(session):
                closed += 1
        return closed, len(session_ids)

    def _journal_balanced(self, session):
        action = self.odoo.admin("pos.session", "show_journal_items", [session["id"]])
        line_ids = action["domain"][0][2]
        lines = self.odoo.admin(
            "account.move.line",
            "read",
            line_ids,
            ["move_id", "debit", "credit", "parent_state", "tax_line_id", "balance"],
        )
        moves = {}
        for line in lines:
            debit, credit = moves.get(line["move_id"][1], (0, 0))
            moves[line["move_id"][1]] = (
                debit + to_cents(line["debit"]),
                credit + to_cents(line["credit"]),
            )
        problems = [
            f"{m}: debit {d} credit {c}" for m, (d, c) in moves.items() if d != c
        ]
        if not session["move_id"]:
            problems.append("no session journal entry")
        if any(line["parent_state"] != "posted" for line in lines):
            problems.append("journal entries not posted")
        # the tax the session posts is the tax of its orders, to the cent
        orders = self.odoo.admin(
            "pos.order",
            "search_read",
            [("session_id", "=", session["id"])],
            fields=["amount_tax"],
        )
        posted_tax = -sum(
            to_cents(line["balance"])
            for line in lines
            if line["tax_line_id"]
            and session["move_id"]
            and line["move_id"][0] == session["move_id"][0]
        )
        order_tax = sum(to_cents(o["amount_tax"]) for o in orders)
        if posted_tax != order_tax:
            problems.append(f"tax posted {posted_tax} cents, orders' tax {order_tax}")
        if problems:
            self.violation(f"{session['name']} journal: {'; '.join(problems)}")
            return False
        return True


def explain_cents(case, body):
    """Where a refused valid order's lines differ from exact arithmetic."""
    lines = ((body or {}).get("details") or {}).get("lines")
    if not isinstance(lines, list) or not isinstance(case.payload, dict):
        return ""
    notes = []
    for line in lines:
        item = case.payload["OrderItems"][line["line"]]
        price = item.get("Price", item.get("PriceWithoutTax"))
        exact = Decimal(repr(price)) * Decimal(repr(item["Quantity"])) - (
            Decimal(repr(item.get("DiscountAmount") or 0))
        )
        rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        odoo = line.get("odoo", {}).get("subtotal")
        if odoo is not None and to_cents(rounded) != to_cents(odoo):
            notes.append(
                f"line {line['line']}: Price x Quantity - DiscountAmount = {exact} "
                f"exactly, {rounded} to the cent; Odoo's subtotal {odoo}"
            )
    return "; " + "; ".join(notes) if notes else ""


def _short(body):
    if not isinstance(body, dict):
        return body
    short = {k: body.get(k) for k in ("status", "error", "details", "status_code")}
    data = body.get("data")
    if isinstance(data, dict):
        short["data"] = {
            k: data.get(k) for k in ("state", "amount_total", "amount_tax", "job_uuid")
        }
    return short


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _setting(odoo, name, default):
    value = odoo.admin("ir.config_parameter", "get_param", f"karage_pos.{name}")
    # an unset parameter reads False, which int() would take for 0
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


def test_accountant_oracle(odoo, capsys):
    mode = "queue" if odoo.queue_mode else "sync"
    if mode == "queue":
        odoo.set_single_sync(False)
    run = Run(odoo, mode)
    ctx = Context(
        products=odoo.products,
        now=now_utc(),
        max_lines=_setting(odoo, "max_order_lines", 500),
        max_body=_setting(odoo, "max_body_kb", 10240) * 1024,
        new_order_id=odoo.next_order_id,
    )
    last = odoo.admin("pos.order", "search", [], order="id desc", limit=1)
    first_new_id = (last[0] if last else 0) + 1
    pool = []

    # one example is one order; orders are posted in batches, each sent
    # as single requests, an {"orders": [...]} bulk or a bare-array bulk
    batch = {"how": None, "size": 0, "cases": []}

    def flush():
        if batch["cases"]:
            run.post(batch["cases"], batch["how"])
        batch.update(how=None, size=0, cases=[])

    @settings(
        max_examples=ORDERS,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(
        how=st.sampled_from(["singles", "bulk", "array"]),
        size=st.integers(1, BATCH),
        case=case_strategy(ctx),
    )
    def orders_posted(how, size, case):
        if run.generated + len(batch["cases"]) >= ORDERS:
            return
        if time.monotonic() - run.started > SECONDS:
            return
        if not batch["cases"]:
            batch.update(how=how, size=size)
        [case] = resolve_repeats([case], pool, batch["how"] == "singles")
        if case.raw is not None and batch["how"] != "singles":
            run.post([case], "singles")  # a broken request: never in a bulk
        else:
            batch["cases"].append(case)
        pool.append(case)
        if len(batch["cases"]) >= batch["size"]:
            flush()

    orders_posted()
    flush()
    if mode == "queue":
        run.wait_for_jobs(timeout=max(300, ORDERS))
    orders, paid_once = run.check_orders(first_new_id)
    closed, sessions = run.close_sessions(orders)
    refused = ", ".join(f"{r} x{n}" for r, n in run.refused.most_common())
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(run.kinds.items()))
    with capsys.disabled():
        print(
            f"\nproperties[{mode}]: {run.generated} generated ({kinds}) in "
            f"{run.requests} requests, {time.monotonic() - run.started:.0f} s "
            f"({run.http_seconds:.0f} s answering); "
            f"{run.accepted_answers} accepted ({len(run.accepted)} OrderIDs); "
            f"refused: {refused}; 5xx: {run.server_errors}"
            + (f" (+{run.unavailable} JSON 503 sent again)" if run.unavailable else "")
            + f"; {paid_once} orders paid once with Karage's figures; "
            f"{closed} of {sessions} sessions closed balanced; "
            + (
                "failed for the operator: "
                + ", ".join(f"{r} x{n}" for r, n in run.operator_failures.items())
                + "; "
                if run.operator_failures
                else ""
            )
            + f"{len(run.violations)} violations"
        )
    report_path = os.environ.get("KARAGE_PROPERTY_REPORT")
    if report_path:
        with open(report_path.replace("{mode}", mode), "w", encoding="utf-8") as out:
            json.dump(run.violations, out, indent=1)
    if run.violations:
        grouped = {}
        for v in run.violations:
            key = re.sub(r"'[^']*'|\d+", "N", v["what"])[:80] + f" [{v['kind']}]"
            grouped.setdefault(key, []).append(v)
        report = []
        for key, items in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
            sample = items[0]
            report.append(
                f"{len(items)} x {key}\n    {sample['what']}\n"
                f"    status {sample['status']} body {sample['body']}\n"
                f"    payload {sample['payload']}"
            )
        pytest.fail(
            f"{len(run.violations)} violations of the oracle in {mode} mode:\n"
            + "\n".join(report[:40]),
            pytrace=False,
        )
