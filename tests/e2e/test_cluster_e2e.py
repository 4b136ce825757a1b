# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reliability of two Odoo nodes behind nginx (setup/cluster), over HTTP.

Run against setup/cluster's variables (its cluster.env; skipped without
KARAGE_CLUSTER_NODES), every request through nginx.

R1 proxied: KARAGE_R1_SENDERS (default 50) threads post KARAGE_R1_COPIES
(default 20) copies of each of KARAGE_R1_ORDERS (default 10) OrderIDs at
once: every request is answered, none with a 5xx, one order per OrderID.
(Odoo alone listens with a backlog of 8 x workers, service/server.py: a
burst beyond it can be refused a connection; nginx's backlog is 511, and
it tries a connection a node refused on the other node.)
R8: while a bulk of KARAGE_R8_ORDERS (default 200) orders is processed, the
node whose job runner holds queue_job's advisory lock is SIGKILLed whole
(master, HTTP and cron workers, gevent, runner) while senders post new
single orders and send the bulk again through nginx. Every request is
answered and none with a 5xx (nginx carries a request the dead node
dropped to the other one), the other node's runner takes the lock, the
dead node's jobs are requeued, every order ends paid exactly once and the
session closes balanced. While it runs the Processing Timeout is 1 minute
(default 5): an OrderID whose request the kill cut off stays claimed that
long, and is answered 409 "still being processed" until then. It leaves one
node: it runs last.
"""

import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest
import requests
from karage_endpoints import BULK, SINGLE

R1_ORDERS = int(os.environ.get("KARAGE_R1_ORDERS", "10"))
R1_COPIES = int(os.environ.get("KARAGE_R1_COPIES", "20"))
R1_SENDERS = int(os.environ.get("KARAGE_R1_SENDERS", "50"))
R8_ORDERS = int(os.environ.get("KARAGE_R8_ORDERS", "200"))
# PG_ADVISORY_LOCK_ID of queue_job/jobrunner/runner.py: the runner that holds
# it on a database is the one that runs that database's jobs
RUNNER_LOCK = 2293787760715711918
BUSY = "still being processed"

pytestmark = pytest.mark.skipif(
    not os.environ.get("KARAGE_CLUSTER_NODES"),
    reason="no cluster to test (run setup/cluster, then source its cluster.env)",
)


class Cluster:
    """The nodes of setup/cluster: which one runs the jobs, who answered."""

    def __init__(self, odoo):
        self.odoo = odoo
        self.nodes = json.loads(os.environ["KARAGE_CLUSTER_NODES"])
        self.access_log = os.environ["KARAGE_CLUSTER_ACCESS_LOG"]
        self.error_log = os.environ["KARAGE_CLUSTER_ERROR_LOG"]
        self.by_port = {
            node["url"].rsplit(":", 1)[1]: name for name, node in self.nodes.items()
        }

    def runner(self):
        """The node whose job runner holds the advisory lock, or None.

        setup/cluster names each node's PostgreSQL connections
        ``karage-<node>-<pid>`` (ODOO_PGAPPNAME)."""
        rows = self.odoo.sql(
            f"""SELECT a.application_name
                  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted
                   AND l.database = (SELECT oid FROM pg_database
                                      WHERE datname = current_database())
                   AND ((l.classid::bigint << 32) | l.objid::bigint) = {RUNNER_LOCK}"""
        )
        for (application,) in rows:
            for name in self.nodes:
                if application.startswith(f"karage-{name}-"):
                    return name
        return None

    def wait_runner(self, other_than=None, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            runner = self.runner()
            if runner and runner != other_than:
                return runner
            time.sleep(0.2)
        raise AssertionError("no node's job runner holds the lock")

    def kill(self, name):
        """SIGKILL node ``name``'s master and every process under it (the
        master first, so that it starts no new worker); returns the PIDs."""
        out = subprocess.run(
            ["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True
        ).stdout
        children = {}
        for line in out.splitlines():
            pid, ppid = map(int, line.split())
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.nodes[name]["pid"]]
        while todo:
            pid = todo.pop(0)
            tree.append(pid)
            todo.extend(children.get(pid, []))
        for pid in tree:
            os.kill(pid, signal.SIGKILL)
        return tree

    def refuses(self, name):
        """Whether nothing answers on node ``name``'s HTTP port any more."""
        try:
            requests.get(self.nodes[name]["url"] + "/web/login", timeout=5)
        except requests.ConnectionError:
            return True
        return False

    def log_sizes(self):
        return os.path.getsize(self.access_log), os.path.getsize(self.error_log)

    def cut_off(self, since):
        """How many requests a node dropped in the middle (its worker died
        under them) since byte ``since`` of nginx's error log."""
        with open(self.error_log, encoding="utf-8", errors="replace") as log:
            log.seek(since)
            return sum(
                "prematurely closed" in line or "reset by peer" in line for line in log
            )

    def answered(self, since, path):
        """The nodes nginx tried for each request to ``path`` logged after
        byte ``since`` of its access log: one list of node names a line."""
        with open(self.access_log, encoding="utf-8", errors="replace") as log:
            log.seek(since)
            lines = [line for line in log if f" {path} HTTP/" in line]
        tried = []
        for line in lines:
            upstreams = re.search(r"upstream=(\S.*?) upstream_status=", line).group(1)
            ports = re.findall(r":(\d+)", upstreams)
            tried.append([self.by_port.get(port, port) for port in ports])
        return tried


@pytest.fixture
def cluster(queue_odoo):
    return Cluster(queue_odoo)


def test_r1_proxied_duplicate_storm_is_answered_once_per_order(
    queue_odoo, cluster, capsys
):
    odoo = queue_odoo
    order_ids = [odoo.next_order_id() for _ in range(R1_ORDERS)]
    since, __ = cluster.log_sizes()
    answers = odoo.post_storm(order_ids, R1_COPIES, senders=R1_SENDERS)
    unanswered = [a for a in answers if isinstance(a, str)]
    assert not unanswered, unanswered[:5]
    assert set(answers) <= {202, 409}, sorted(set(answers))
    states = odoo.wait_states(order_ids, done=("done",), timeout=600)
    assert set(states.values()) == {"done"}, states
    orders = odoo.orders(order_ids)
    assert sorted(int(o["external_order_id"]) for o in orders) == sorted(order_ids)
    by_node = {}
    for tried in cluster.answered(since, SINGLE):
        by_node[tried[-1]] = by_node.get(tried[-1], 0) + 1
    shares = ", ".join(f"{name} {count}" for name, count in sorted(by_node.items()))
    with capsys.disabled():
        print(
            f"\nR1 proxied: {R1_SENDERS} senders, {len(answers)} POSTs for "
            f"{R1_ORDERS} OrderIDs through nginx -> {len(orders)} orders, "
            f"{len(answers)} answered ({shares}), 0 5xx"
        )


class Senders:
    """Threads posting through nginx until stopped: new single orders, and
    the bulk again from two threads (with two long bulks in flight, nginx's
    round robin most often has one on the node that is killed). Each request
    is recorded as (started, ended, kind, answer), the answer a status code
    or the name of the exception of a request that got none."""

    def __init__(self, odoo, bulk):
        self.odoo = odoo
        self.bulk = bulk
        self.stop = threading.Event()
        self.records = []
        self.accepted = []
        self.busy = []
        self.bulks_sending = 0
        self._count = threading.Lock()
        self.threads = [
            threading.Thread(target=self._singles),
            threading.Thread(target=self._singles),
            threading.Thread(target=self._bulks),
            threading.Thread(target=self._bulks),
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _post(self, kind, path, body):
        started = time.time()
        try:
            response = self.odoo.post(path, body, timeout=300)
            answer, text = response.status_code, response.text
        except requests.RequestException as error:
            answer, text = type(error).__name__, ""
        self.records.append((started, time.time(), kind, answer))
        return answer, text

    def _singles(self):
        while not self.stop.is_set():
            order_id = self.odoo.next_order_id()
            answer, text = self._post("single", SINGLE, self.odoo.payload(order_id))
            self.classify(order_id, answer, text)
            time.sleep(0.5)

    def classify(self, order_id, answer, text):
        """Accepted (202, or a duplicate: a copy an earlier try committed),
        or busy: a claim of the dead node's request, free after the
        Processing Timeout."""
        if answer == 409 and BUSY in text:
            self.busy.append(order_id)
        elif answer in (202, 409):
            self.accepted.append(order_id)

    def _bulks(self):
        while not self.stop.is_set():
            with self._count:
                self.bulks_sending += 1
            self._post("bulk", BULK, self.bulk)
            with self._count:
                self.bulks_sending -= 1
            time.sleep(1)

    def wait_both_bulks_sending(self, timeout=60):
        deadline = time.time() + timeout
        while self.bulks_sending < 2 and time.time() < deadline:
            time.sleep(0.05)
        # nginx has passed them on
        time.sleep(0.5)


def _paid(odoo, order_ids):
    return odoo.admin(
        "pos.order",
        "search_count",
        [
            ("external_order_id", "in", [str(i) for i in order_ids]),
            ("state", "=", "paid"),
        ],
    )


def _resend_until_accepted(odoo, senders, timeout=300):
    """Send the orders answered busy again until accepted (the claims the
    dead node left wait the Processing Timeout)."""
    deadline = time.time() + timeout
    while senders.busy and time.time() < deadline:
        order_id = senders.busy.pop(0)
        response = odoo.post(SINGLE, odoo.payload(order_id), timeout=300)
        senders.classify(order_id, response.status_code, response.text)
        if senders.busy and senders.busy[0] == order_id:
            time.sleep(5)
    assert not senders.busy, f"still busy after {timeout} s: {senders.busy[:5]}"


def test_r8_runner_node_killed_mid_bulk_loses_and_duplicates_nothing(
    queue_odoo, cluster, capsys
):
    odoo = queue_odoo
    order_ids = [odoo.next_order_id() for _ in range(R8_ORDERS)]
    bulk = {"orders": [odoo.payload(i) for i in order_ids]}
    timeout_param = "karage_pos.processing_timeout"
    saved_timeout = odoo.admin("ir.config_parameter", "get_param", timeout_param)
    # a request the kill cut off leaves its OrderID claimed: taken over by
    # the next copy (its lock died with it), at the latest after 1 min
    odoo.admin("ir.config_parameter", "set_param", timeout_param, "1")
    try:
        figures = _kill_the_runner_mid_bulk(odoo, cluster, order_ids, bulk)
    finally:
        odoo.admin(
            "ir.config_parameter", "set_param", timeout_param, saved_timeout or "5"
        )
    with capsys.disabled():
        print("\nR8: " + figures)


def _kill_the_runner_mid_bulk(odoo, cluster, order_ids, bulk):
    runner = cluster.wait_runner()
    [survivor] = [name for name in cluster.nodes if name != runner]
    requeued_before = _requeued(cluster, survivor)
    access_since, error_since = cluster.log_sizes()
    started = time.time()
    response = odoo.post(BULK, bulk, timeout=600)
    assert response.status_code == 202, response.text[:2000]
    deadline = time.time() + 600
    while _paid(odoo, order_ids) < len(order_ids) // 4 and time.time() < deadline:
        time.sleep(0.5)
    with Senders(odoo, bulk) as senders:
        senders.wait_both_bulks_sending()
        killed_at = time.time()
        pids = cluster.kill(runner)
        assert cluster.refuses(runner)
        # nothing runs until the survivor's runner dispatches again
        paid_at_kill = _paid(odoo, order_ids)
        done_at_kill = _done_jobs(odoo)
        left = odoo.sql(
            "SELECT state, count(*) FROM queue_job "
            "WHERE state IN ('enqueued', 'started') GROUP BY state"
        )
        assert cluster.wait_runner(other_than=runner) == survivor
        took_over = time.time() - killed_at
        while _done_jobs(odoo) <= done_at_kill and time.time() < deadline:
            time.sleep(0.2)
        resumed = time.time() - killed_at
        time.sleep(5)
    during = [
        r for r in senders.records if r[1] >= killed_at and r[0] <= killed_at + resumed
    ]
    unanswered = [r for r in senders.records if isinstance(r[3], str)]
    assert not unanswered, unanswered[:5]
    answers = {(r[2], r[3]) for r in senders.records}
    assert answers <= {("single", 202), ("single", 409), ("bulk", 202)}, answers
    busy = len(senders.busy)
    _resend_until_accepted(odoo, senders)
    everything = order_ids + senders.accepted
    assert not odoo.wait_paid(everything)
    elapsed = time.time() - started
    odoo.assert_paid_once_with_done_pickings(everything)
    carried = sum(
        len(tried) > 1
        for path in (SINGLE, BULK)
        for tried in cluster.answered(access_since, path)
    )
    odoo.close_sessions()
    sessions = sorted({o["session_id"][0] for o in odoo.orders(everything)})
    closed = odoo.admin("pos.session", "read", sessions, ["state", "move_id"])
    assert {s["state"] for s in closed} == {"closed"}, closed
    assert all(odoo.move_balanced(s["move_id"][0]) for s in closed), closed
    stranded = ", ".join(f"{count} {state}" for state, count in left) or "no job"
    return (
        f"{runner} (the runner's node, {len(pids)} processes) SIGKILLed with "
        f"{paid_at_kill}/{len(order_ids)} paid, leaving {stranded}; "
        f"{survivor}'s runner took the lock in {took_over:.1f} s and finished "
        f"a job {resumed:.1f} s after the kill "
        f"({_requeued(cluster, survivor) - requeued_before} dead jobs requeued); "
        f"{len(order_ids)} + {len(senders.accepted)} single orders paid once "
        f"{elapsed:.0f} s after the bulk was sent; {len(during)} requests during "
        f"the failover, {len(senders.records)} in all, all answered, 0 5xx "
        f"({cluster.cut_off(error_since)} cut off by the kill and {carried} in "
        f"all carried to {survivor} by nginx; {busy} answered 409 busy and sent "
        f"again); {len(closed)} session(s) closed balanced"
    )


def _done_jobs(odoo):
    return int(odoo.sql("SELECT count(*) FROM queue_job WHERE state = 'done'")[0][0])


def _requeued(cluster, name):
    with open(cluster.nodes[name]["log"], encoding="utf-8", errors="replace") as log:
        return sum("Re-queued dead job" in line for line in log)
