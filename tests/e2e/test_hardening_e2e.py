# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Claims and waiting jobs over real HTTP, where requests run on their own
database connections (inside Odoo's test suite they share one)."""

import select
import subprocess
import threading
import time

from karage_endpoints import BULK, SINGLE


def test_concurrent_copy_of_an_idempotent_request_is_409_at_once(odoo):
    first_id = odoo.next_order_id()
    orders = {"orders": [odoo.payload(first_id + i) for i in range(60)]}
    for __ in range(60):
        odoo.next_order_id()
    headers = {"Idempotency-Key": f"e2e-{first_id}"}
    answers = {}

    def send(name):
        started = time.time()
        response = odoo.post(BULK, orders, headers=headers)
        answers[name] = (response, time.time() - started)

    sender = threading.Thread(target=send, args=("first",))
    sender.start()
    time.sleep(0.3)
    send("copy")
    sender.join()
    # which one the server took first is its business (a loaded machine may
    # start the copy first): one is processed, the other is either refused
    # at once or, when the first had already finished, its replay
    taken = [a for a in answers.values() if a[0].status_code in (200, 202)]
    refused = [a for a in answers.values() if a[0].status_code == 409]
    assert taken, answers
    if refused:
        [(response, seconds)] = refused
        assert "still being processed" in response.json()["error"]
        assert seconds < 2, seconds  # at once, not after the other finished
    else:
        first, copy = (answers[name][0] for name in ("first", "copy"))
        assert copy.json() == first.json()
    winner = taken[0][0]
    replay = odoo.post(BULK, orders, headers=headers)
    assert (replay.status_code, replay.json()) == (winner.status_code, winner.json())


def test_order_id_left_claimed_by_a_crashed_request_is_taken_at_once(odoo):
    order_id = odoo.next_order_id()
    # the claim a request leaves when its worker dies: processing, just
    # started, and no longer locked (its lock went with its connection)
    [[claim_id]] = odoo.sql(
        f"""INSERT INTO karage_pos_idempotency
                (key, kind, state, endpoint, processing_started_at, claim_token,
                 user_id, company_id, create_uid, write_uid, create_date,
                 write_date)
            SELECT '{order_id}', 'order', 'processing', 'pos-order',
                   now() AT TIME ZONE 'UTC', 'crashed', id, company_id, id, id,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM res_users WHERE login = 'karage_integration'
            RETURNING id"""
    )
    # while a live request holds it (its row lock), a copy is busy
    holder = subprocess.Popen(
        ["psql", "-X", "-q", "-tA", "-d", odoo.db],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        holder.stdin.write(
            "BEGIN;\nSELECT id FROM karage_pos_idempotency"
            f" WHERE id = {claim_id} FOR UPDATE;\n"
        )
        holder.stdin.flush()
        ready, __, __ = select.select([holder.stdout], [], [], 30)
        assert ready, "psql did not lock the claim within 30 s"
        assert holder.stdout.readline().strip() == claim_id
        busy = odoo.post(SINGLE, odoo.payload(order_id))
        assert busy.status_code == 409, busy.text
        assert "still being processed" in busy.json()["error"]
    finally:
        # the holder dies with its transaction open, as a killed worker
        holder.kill()
        holder.communicate()
    # its lock gone, the claim is taken at once, not after the Processing
    # Timeout (5 minutes)
    deadline = time.time() + 30
    while True:
        taken = odoo.post(SINGLE, odoo.payload(order_id))
        if taken.status_code != 409 or time.time() > deadline:
            break
        time.sleep(0.5)  # PostgreSQL notices the killed psql's socket
    assert taken.status_code in (200, 202), taken.text
    assert not odoo.wait_paid([order_id])
    odoo.assert_paid_once_with_done_pickings([order_id])


def test_same_order_id_with_other_content_is_refused_never_merged(odoo):
    order_id = odoo.next_order_id()
    first = odoo.post(SINGLE, odoo.payload(order_id))
    assert first.status_code in (200, 202), first.text
    other = odoo.post(SINGLE, odoo.payload(order_id, qty=2))
    assert other.status_code == 409, other.text
    if odoo.queue_mode:
        odoo.wait_states([order_id])
    [order] = odoo.orders([order_id])
    assert order["amount_total"] == 80.5


def test_queued_order_waits_while_its_session_closes(queue_odoo):
    odoo = queue_odoo
    opened = odoo.next_order_id()
    assert odoo.post(SINGLE, odoo.payload(opened)).status_code == 202
    assert odoo.wait_states([opened]) == {opened: "done"}
    [session_id] = {o["session_id"][0] for o in odoo.orders([opened])}
    odoo.admin("pos.session", "write", [session_id], {"state": "closing_control"})
    try:
        waiting = odoo.next_order_id()
        assert odoo.post(SINGLE, odoo.payload(waiting)).status_code == 202
        time.sleep(8)  # the job has run at least once and was postponed
        status = odoo.status(waiting).json()["data"]
        assert status["state"] in ("queued", "processing"), status
        jobs = odoo.admin(
            "queue.job",
            "search_read",
            [("uuid", "=", status["job_uuid"])],
            fields=["state", "retry", "result"],
        )
        assert jobs[0]["state"] != "failed", jobs
        assert jobs[0]["retry"] == 0, jobs  # waiting spends no retry
        assert "is closing" in (jobs[0]["result"] or ""), jobs
    finally:
        odoo.admin("pos.session", "write", [session_id], {"state": "opened"})
    assert odoo.wait_states([waiting], timeout=120) == {waiting: "done"}
