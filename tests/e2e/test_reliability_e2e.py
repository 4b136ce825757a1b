# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reliability over real HTTP, bounded in count and time, loopback only.

R1: many concurrent identical POSTs per OrderID end in exactly one order
each and no 5xx. Sizes: KARAGE_R1_ORDERS (default 10) OrderIDs, each posted
KARAGE_R1_COPIES (default 20) times at once.
R2: SIGKILL of every Odoo worker in the middle of a bulk of KARAGE_R2_ORDERS
(default 60): every order ends paid, none lost, none created twice.
R3: PostgreSQL stopped and started again while orders flow: every
acknowledged order ends paid, exactly once, and requests during the outage
get a prompt JSON 503 (KARAGE_R3_OUTAGE seconds of outage, default 6).
R4: a bulk of KARAGE_R4_ORDERS (default 100) orders of the same product,
run by as many jobs at a time as the bulk channel allows (hot stock rows;
two in setup/reliability, four on setup/cluster): no job fails.
R5: schemathesis against the served OpenAPI spec (positive and negative
cases, KARAGE_R5_EXAMPLES per operation and phase, default 60): no 5xx, and
no order created from input the API refused.
R6: the authentication matrix over HTTP: no key, wrong key, expired key,
revoked key, a user without POS rights and the key of another company's
user all get 401/403 and write nothing (no order, no webhook log).
R7: after everything, no API key used is in the server log or any webhook
log.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from karage_endpoints import BULK, SINGLE

ORDERS = int(os.environ.get("KARAGE_R1_ORDERS", "10"))
COPIES = int(os.environ.get("KARAGE_R1_COPIES", "20"))
EXAMPLES = int(os.environ.get("KARAGE_R5_EXAMPLES", "60"))
R2_ORDERS = int(os.environ.get("KARAGE_R2_ORDERS", "60"))
R4_ORDERS = int(os.environ.get("KARAGE_R4_ORDERS", "100"))
OUTAGE = float(os.environ.get("KARAGE_R3_OUTAGE", "6"))
# every key R6 issued: R7 looks for them too
ISSUED_KEYS = []


def test_r1_concurrent_identical_posts_make_one_order_each(odoo, capsys):
    order_ids = [odoo.next_order_id() for _ in range(ORDERS)]
    codes = odoo.post_storm(order_ids, COPIES, senders=16)
    # no 5xx, and no request without an answer
    assert set(codes) <= {200, 202, 409}, set(codes)
    if odoo.queue_mode:
        states = odoo.wait_states(order_ids, done=("done",), timeout=600)
        assert set(states.values()) == {"done"}, states
    orders = odoo.orders(order_ids)
    assert sorted(int(o["external_order_id"]) for o in orders) == sorted(order_ids)
    with capsys.disabled():
        print(
            f"\nR1: {len(codes)} concurrent POSTs for {ORDERS} OrderIDs -> "
            f"{len(orders)} orders, 0 5xx"
        )


def _children(pid):
    out = subprocess.run(
        ["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def test_r2_workers_killed_mid_bulk_lose_and_duplicate_nothing(queue_odoo, capsys):
    odoo = queue_odoo
    server = os.environ.get("KARAGE_SERVER_PID")
    if not server:
        pytest.skip("the server process is not known")
    order_ids = [odoo.next_order_id() for _ in range(R2_ORDERS)]
    response = odoo.post(BULK, {"orders": [odoo.payload(i) for i in order_ids]})
    assert response.status_code == 202
    # once jobs are running, kill every worker process of the server
    deadline = time.time() + 120
    while time.time() < deadline and not odoo.orders(order_ids):
        time.sleep(0.5)
    done_before_kill = len(odoo.orders(order_ids))
    killed = _children(int(server))
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    assert killed
    assert not odoo.wait_paid(order_ids)
    odoo.assert_paid_once_with_done_pickings(order_ids)
    with capsys.disabled():
        print(
            f"\nR2: {len(killed)} workers SIGKILLed with {done_before_kill} of "
            f"{R2_ORDERS} orders done -> {R2_ORDERS} paid once, 0 lost"
        )


def test_r4_hot_stock_rows_fail_no_job(queue_odoo, capsys):
    odoo = queue_odoo
    order_ids = [odoo.next_order_id() for _ in range(R4_ORDERS)]
    conflicts_before = _log_count(odoo, "met a concurrent update")
    started = time.perf_counter()
    response = odoo.post(BULK, [odoo.payload(i, product="Car Wash") for i in order_ids])
    assert response.status_code == 202, response.text
    failed = odoo.wait_paid(order_ids)
    elapsed = time.perf_counter() - started
    assert not failed, failed[:5]
    odoo.assert_paid_once_with_done_pickings(order_ids)
    conflicts = _log_count(odoo, "met a concurrent update") - conflicts_before
    jobs = _bulk_jobs_at_a_time()
    at_once = {None: "jobs", 1: "one job"}.get(jobs, f"{jobs} jobs")
    with capsys.disabled():
        print(
            f"\nR4: {R4_ORDERS} orders of one product, {at_once} at a time -> "
            f"0 failed jobs, {conflicts} lock conflicts run again, "
            f"{R4_ORDERS / elapsed:.1f} orders/s"
        )


def _bulk_jobs_at_a_time():
    """How many bulk jobs the runner runs at once: the smallest capacity on
    the bulk channel's path in KARAGE_JOB_CHANNELS, the channels the setup
    script gave the runner (``root:2,root.karage_pos:2,...``)."""
    spec = os.environ.get("KARAGE_JOB_CHANNELS")
    if not spec:
        return None
    capacities = dict(item.strip().split(":")[:2] for item in spec.split(","))
    path = ("root", "root.karage_pos", "root.karage_pos.bulk")
    return min(int(capacities[name]) for name in path if name in capacities)


def _log_count(odoo, text):
    count = 0
    for path in odoo.server_logs:
        with open(path, encoding="utf-8", errors="replace") as server_log:
            count += sum(text in line for line in server_log)
    return count


def _pg_cluster():
    """``version name`` of the local Debian cluster we may restart, or None."""
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        return None
    out = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=False
    ).stdout.split()
    return out[:2] or None


def _feed(odoo, stop, results):
    """Post single orders one after the other until ``stop`` is set."""
    while not stop.is_set():
        order_id = odoo.next_order_id()
        started = time.perf_counter()
        try:
            response = odoo.post(SINGLE, odoo.payload(order_id), timeout=60)
            outcome = (response.status_code, response.headers.get("Content-Type"))
            body = response.json() if outcome[1] == "application/json" else None
        except requests.RequestException as error:
            outcome, body = (type(error).__name__, None), None
        results.append((order_id, outcome, body, time.perf_counter() - started))
        time.sleep(0.05)


def test_r3_postgresql_restart_loses_no_acknowledged_order(odoo, capsys):
    cluster = _pg_cluster()
    if not cluster:
        pytest.skip("R3 needs root and a local Debian PostgreSQL cluster to restart")
    stop, results = threading.Event(), []
    feeders = [
        threading.Thread(target=_feed, args=(odoo, stop, results)) for _ in range(3)
    ]
    for feeder in feeders:
        feeder.start()
    try:
        time.sleep(3)
        subprocess.run(["pg_ctlcluster", *cluster, "stop", "-m", "fast"], check=True)
        down_from = len(results)
        time.sleep(OUTAGE)
        down_to = len(results)
        subprocess.run(["pg_ctlcluster", *cluster, "start"], check=True)
        time.sleep(5)
    finally:
        stop.set()
        for feeder in feeders:
            feeder.join()
        subprocess.run(["pg_ctlcluster", *cluster, "start"], check=False)
    during = results[down_from:down_to]
    acked = [r[0] for r in results if r[1][0] in (200, 202)]
    unavailable = [r for r in results if r[1][0] == 503]
    assert during, "no request was answered while PostgreSQL was down"
    # the outage is answered at once with the JSON 503, never a 5xx page
    assert {r[1] for r in during} == {(503, "application/json")}, during[:5]
    assert all(r[2]["status"] == "error" and r[2]["error"] for r in unavailable)
    assert max(r[3] for r in during) < 10
    others = [r for r in results if r[1][0] not in (200, 202, 503)]
    assert not others, others[:3]
    if odoo.queue_mode:
        states = odoo.wait_states(acked, done=("done",), timeout=600)
        assert set(states.values()) == {"done"}, states
    orders = odoo.orders(acked)
    assert sorted(int(o["external_order_id"]) for o in orders) == sorted(acked)
    assert {o["state"] for o in orders} == {"paid"}
    with capsys.disabled():
        print(
            f"\nR3: PostgreSQL down {OUTAGE:.0f} s while orders flowed: "
            f"{len(acked)} acknowledged -> {len(orders)} paid once; "
            f"{len(unavailable)} answered 503 "
            f"(slowest {max(r[3] for r in during) * 1000:.0f} ms), 0 other 5xx"
        )


def _issue_key(odoo, login, company_id=None, pos=True):
    """A user with a fresh persistent key, issued like an administrator would."""
    groups = [
        odoo.admin("ir.model.data", "check_object_reference", "base", "group_user")[1]
    ]
    if pos:
        groups.append(
            odoo.admin(
                "ir.model.data",
                "check_object_reference",
                "point_of_sale",
                "group_pos_user",
            )[1]
        )
    values = {
        "name": login,
        "login": login,
        "email": f"{login}@example.com",
        "groups_id": [(6, 0, groups)],
    }
    if company_id:
        values.update(company_id=company_id, company_ids=[(6, 0, [company_id])])
    user_id = odoo.admin("res.users", "create", values)
    wizard = odoo.admin(
        "karage.pos.api.key.wizard", "create", {"user_id": user_id, "name": login}
    )
    # the key is shown once, by the action, and never stored
    action = odoo.admin("karage.pos.api.key.wizard", "action_generate", [wizard])
    key = action["context"]["default_key"]
    ISSUED_KEYS.append(key)
    return user_id, key


def test_r6_auth_matrix_refuses_and_writes_nothing(odoo, capsys):
    tag = odoo.next_order_id()
    company = odoo.admin("res.company", "create", {"name": f"Elsewhere {tag}"})
    __, other_company_key = _issue_key(odoo, f"r6_other_{tag}", company_id=company)
    __, no_pos_key = _issue_key(odoo, f"r6_nopos_{tag}", pos=False)
    expired_user, expired_key = _issue_key(odoo, f"r6_expired_{tag}")
    revoked_user, revoked_key = _issue_key(odoo, f"r6_revoked_{tag}")
    # an expiry in the past, and a key its owner's administrator deleted
    odoo.sql(
        "UPDATE res_users_apikeys SET expiration_date = now() - interval '1 hour' "
        f"WHERE user_id = {int(expired_user)}"
    )
    odoo.sql(f"DELETE FROM res_users_apikeys WHERE user_id = {int(revoked_user)}")
    cases = {
        "no key": (False, 401),
        "wrong key": ("0" * 40, 401),
        "expired key": (expired_key, 401),
        "revoked key": (revoked_key, 401),
        "user without POS rights": (no_pos_key, 403),
        "key of another company's user": (other_company_key, 403),
    }
    logs_before = odoo.admin("karage.pos.webhook.log", "search_count", [])
    answers, order_ids = {}, []
    for name, (key, __) in cases.items():
        for path in (SINGLE, SINGLE + "/bulk"):
            order_id = odoo.next_order_id()
            order_ids.append(order_id)
            body = odoo.payload(order_id)
            response = odoo.post(path, body if path == SINGLE else [body], key=key)
            answers[name, path] = (response.status_code, response.json()["status"])
    assert answers == {
        (name, path): (code, "error")
        for name, (__, code) in cases.items()
        for path in (SINGLE, SINGLE + "/bulk")
    }
    assert not odoo.orders(order_ids)
    assert odoo.admin("karage.pos.webhook.log", "search_count", []) == logs_before
    with capsys.disabled():
        print(
            f"\nR6: {len(answers)} requests over {len(cases)} refused identities "
            "-> all 401/403, 0 orders, 0 webhook logs"
        )


def test_r5_schemathesis_finds_no_server_error(odoo, tmp_path, capsys):
    cli = Path(sys.executable).with_name("schemathesis")
    if not cli.exists():
        cli = shutil.which("schemathesis")
    assert cli, "schemathesis is not installed in the tools environment"
    last = odoo.admin("pos.order", "search", [], order="id desc", limit=1)
    last_id = last[0] if last else 0
    refused_before = odoo.admin(
        "karage.pos.webhook.log", "search_count", [("status_code", ">=", 400)]
    )
    spec = tmp_path / "openapi.json"
    spec.write_text(odoo.session_get("/api-docs/api/v1/webhook.json").text)
    result = subprocess.run(
        [
            str(cli),
            "run",
            str(spec),
            "--url",
            f"{odoo.url}/api/v1/webhook",
            "-H",
            f"X-API-KEY: {odoo.key}",
            "--checks",
            "not_a_server_error",
            "--mode",
            "all",
            "--phases",
            "coverage,fuzzing",
            "--max-examples",
            str(EXAMPLES),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,  # schemathesis keeps its cache in the working directory
    )
    summary = [line for line in result.stdout.splitlines() if "generated," in line]
    assert result.returncode == 0, result.stdout[-4000:]
    # every order created came from a request the API accepted
    created = odoo.admin("pos.order", "search", [("id", ">", last_id)])
    # (an order accepted twice while its job waited has two such logs)
    accepted = {
        log["pos_order_id"][0]
        for log in odoo.admin(
            "karage.pos.webhook.log",
            "search_read",
            [("pos_order_id", "in", created), ("status_code", "<", 300)],
            fields=["pos_order_id"],
        )
    }
    assert accepted == set(created)
    refused = (
        odoo.admin(
            "karage.pos.webhook.log", "search_count", [("status_code", ">=", 400)]
        )
        - refused_before
    )
    created = len(created)
    with capsys.disabled():
        print(f"\nR5: {' '.join(summary)}; {refused} refused, {created} orders, 0 5xx")


def test_r7_no_api_key_in_server_or_webhook_log(odoo, capsys):
    # runs last: after every request above, R6's refused keys included
    odoo.post(SINGLE, {"OrderID": "leak-check", "Tax": "x"})
    keys = [odoo.key, *ISSUED_KEYS]
    # every field of every record the webhook writes, not a chosen few
    logs = odoo.admin("karage.pos.webhook.log", "search_read", [])
    claims = odoo.admin("karage.pos.idempotency", "search_read", [])
    assert logs and claims
    for record in logs + claims:
        for value in record.values():
            assert not [key for key in keys if key in str(value)]
    assert odoo.server_log, "KARAGE_SERVER_LOG is not set"
    lines = 0
    with open(odoo.server_log, encoding="utf-8", errors="replace") as server_log:
        for line in server_log:
            lines += 1
            assert not [key for key in keys if key in line]
    assert lines
    with capsys.disabled():
        print(
            f"\nR7: {len(keys)} API keys found in 0 of {len(logs)} webhook logs "
            f"and 0 of {lines} server log lines"
        )
