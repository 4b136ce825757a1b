# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.tools import SQL, drop_view_if_exists

from .pos_order import KARAGE_SOURCE

# states of an order that is paid (a closed session makes it done)
PAID_STATES = ("paid", "done", "invoiced")
# a time zone name PostgreSQL knows, else UTC (a view that met an unknown
# name would fail whole; pg_timezone_names costs ~90 ms per query)
ZONE_FUNCTION_SQL = """
    CREATE OR REPLACE FUNCTION karage_pos_known_tz(name text) RETURNS text AS $$
    BEGIN
        PERFORM now() AT TIME ZONE name;
        RETURN COALESCE(name, 'UTC');
    EXCEPTION WHEN invalid_parameter_value THEN
        RETURN 'UTC';
    END $$ LANGUAGE plpgsql STABLE
"""
# the Karage time zone of each company, as res.company._karage_timezone
# (materialized: the function runs once per company, not once per row)
ZONE_SQL = """
    SELECT c.id AS company_id,
           karage_pos_known_tz(COALESCE(c.karage_pos_timezone, p.tz)) AS tz
      FROM res_company c
      JOIN res_partner p ON p.id = c.partner_id
"""
# the local day of a naive UTC ``moment`` in the zone ``z.tz``
DAY_SQL = "(({moment}) AT TIME ZONE 'UTC' AT TIME ZONE z.tz)::date"
# one row per branch and day: a stable id (a button clicked on a row reads
# that row again), unique until the year 2243
ROW_ID_SQL = "({config}::bigint * 100000 + ({day} - DATE '1970-01-01'))"
# a log whose OrderID never became an order of its company
NO_ORDER_SQL = f"""l.pos_order_id IS NULL AND NOT EXISTS (
    SELECT 1 FROM pos_order x
     WHERE x.external_order_source = '{KARAGE_SOURCE}'
       AND x.external_order_id = l.external_order_id
       AND x.company_id = l.company_id)"""
# a refund is filed as "<OrderID>:refund[:<RefundID>]"
REFUND_SQL = "(o.amount_total < 0 OR position(':refund' in o.external_order_id) > 0)"


def create_view(cr, table, query):
    """(Re)create the SQL view ``table`` as ``query``, with the zone
    function it reads (an extension may add columns: built anew)."""
    drop_view_if_exists(cr, table)
    cr.execute(ZONE_FUNCTION_SQL)
    cr.execute(SQL("CREATE VIEW %s AS (%s)", SQL.identifier(table), SQL(query)))


class KaragePosOverview(models.Model):
    """What each branch received, paid, refunded and failed, per day.

    A SQL view: one row per POS configuration and local day (the company's
    Karage time zone). Logs count by when they were received, orders by
    their ``date_order``. Received, failed (and pending, with the queue)
    count OrderIDs, not requests: a sale Karage sent three times is one.
    """

    _name = "karage.pos.overview"
    _description = "Karage POS Overview"
    _auto = False
    _order = "day desc, config_id"
    _rec_name = "config_id"
    # flushed before the view is read
    _depends = {
        "karage.pos.webhook.log": [
            "company_id",
            "create_date",
            "external_order_id",
            "pos_config_id",
            "pos_order_id",
            "status_code",
        ],
        "pos.order": [
            "amount_total",
            "company_id",
            "config_id",
            "date_order",
            "external_order_id",
            "external_order_source",
            "state",
        ],
        "res.company": ["karage_pos_config_id", "karage_pos_timezone", "partner_id"],
        "res.partner": ["tz"],
    }

    day = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    config_id = fields.Many2one("pos.config", string="Branch", readonly=True)
    currency_id = fields.Many2one(related="config_id.currency_id")
    received_count = fields.Integer(string="Received", readonly=True)
    paid_count = fields.Integer(string="Paid", readonly=True)
    paid_amount = fields.Monetary(string="Amount Paid", readonly=True)
    refund_count = fields.Integer(string="Refunded", readonly=True)
    refund_amount = fields.Monetary(string="Amount Refunded", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    last_order_at = fields.Datetime(
        string="Last Order", readonly=True, aggregator="max"
    )
    last_received_at = fields.Datetime(
        string="Last Received", readonly=True, aggregator="max"
    )
    payment_ids = fields.One2many(
        "karage.pos.overview.payment", "overview_id", string="Payments"
    )

    def init(self):
        create_view(self.env.cr, self._table, self._karage_view_sql())

    # the SQL, in hooks an extension overrides -------------------------------

    @api.model
    def _karage_view_sql(self):
        day = DAY_SQL.format(moment="e.moment")
        columns = ",\n".join(self._karage_columns())
        return f"""
            WITH z AS MATERIALIZED ({ZONE_SQL}),
            logs AS ({self._karage_log_rows_sql()}),
            events AS (
                SELECT company_id, config_id, moment, external_order_id AS log_key,
                       outcome, NULL::integer AS order_id, NULL::boolean AS refund,
                       0.0 AS amount
                  FROM logs
                 UNION ALL
                SELECT o.company_id, o.config_id, o.date_order, NULL, NULL, o.id,
                       {REFUND_SQL}, o.amount_total
                  FROM pos_order o
                 WHERE o.external_order_source = '{KARAGE_SOURCE}'
                   AND o.state IN {PAID_STATES}
            )
            SELECT {ROW_ID_SQL.format(config="e.config_id", day=day)} AS id,
                   e.company_id, e.config_id, {day} AS day,
                   {columns}
              FROM events e
              JOIN z ON z.company_id = e.company_id
             WHERE e.config_id IS NOT NULL
             GROUP BY e.company_id, e.config_id, {day}
        """

    @api.model
    def _karage_columns(self):
        """The aggregated columns, over ``events e``."""
        return [
            "COUNT(DISTINCT e.log_key) AS received_count",
            "COUNT(DISTINCT e.log_key) FILTER (WHERE e.outcome = 'failed') "
            "AS failed_count",
            "COUNT(e.order_id) FILTER (WHERE NOT e.refund) AS paid_count",
            "COALESCE(SUM(e.amount) FILTER (WHERE NOT e.refund), 0) AS paid_amount",
            "COUNT(e.order_id) FILTER (WHERE e.refund) AS refund_count",
            "COALESCE(-SUM(e.amount) FILTER (WHERE e.refund), 0) AS refund_amount",
            "MAX(e.moment) FILTER (WHERE e.order_id IS NOT NULL) AS last_order_at",
            "MAX(e.moment) FILTER (WHERE e.log_key IS NOT NULL) AS last_received_at",
        ]

    @api.model
    def _karage_log_rows_sql(self):
        """One row per log of an order: its branch, time and outcome.

        A log without branch (written before logs had one) takes its
        order's, else its company's Karage configuration.
        """
        outcome = " ".join(
            f"WHEN {condition} THEN '{name}'"
            for name, condition in self._karage_log_outcomes()
        )
        return f"""
            SELECT l.id AS log_id, l.company_id,
                   COALESCE(l.pos_config_id, o.config_id, c.karage_pos_config_id)
                       AS config_id,
                   l.create_date AS moment, l.external_order_id,
                   CASE {outcome} END AS outcome
              FROM karage_pos_webhook_log l
              JOIN res_company c ON c.id = l.company_id
              LEFT JOIN pos_order o ON o.id = l.pos_order_id
              {self._karage_log_joins()}
             WHERE l.external_order_id IS NOT NULL
        """

    @api.model
    def _karage_log_outcomes(self):
        """``[(outcome, SQL condition on the log l)]``, the first that holds.

        Failed: answered 400 or more, and the OrderID never became an order
        (a duplicate of an order that exists did not fail).
        """
        return [("failed", f"l.status_code >= 400 AND {NO_ORDER_SQL}")]

    @api.model
    def _karage_log_joins(self):
        """Tables the outcomes read besides the log ``l`` and order ``o``."""
        return ""

    # the logs of any period (buttons, alerts) ----------------------------------

    @api.model
    def _karage_flush(self):
        """Write pending changes of what the view reads, before raw SQL."""
        for model_name, field_names in self._depends.items():
            self.env[model_name].flush_model(field_names)

    @api.model
    def _karage_log_ids(self, config_ids, start, stop, outcome=None):
        """Ids of the order logs of these branches received in [start, stop),
        those with ``outcome`` only when given (see _karage_log_outcomes)."""
        self._karage_flush()
        self.env.cr.execute(
            SQL(
                "SELECT log_id FROM (%s) r WHERE config_id = ANY(%s) "
                "AND moment >= %s AND moment < %s "
                "AND (%s::text IS NULL OR outcome = %s) ORDER BY log_id DESC",
                SQL(self._karage_log_rows_sql()),
                list(config_ids),
                start,
                stop,
                outcome,
                outcome,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _karage_recent(self, since, hour_start, until):
        """``{config_id: (last received, received, failed)}`` per branch.

        The last log received in [since, until) and, among the logs of
        [hour_start, until), how many OrderIDs were received and failed.
        """
        self._karage_flush()
        self.env.cr.execute(
            SQL(
                """SELECT config_id, MAX(moment),
                          COUNT(DISTINCT external_order_id)
                              FILTER (WHERE moment >= %(hour)s),
                          COUNT(DISTINCT external_order_id)
                              FILTER (WHERE moment >= %(hour)s
                                      AND outcome = 'failed')
                     FROM (%(rows)s) r
                    WHERE config_id IS NOT NULL
                      AND moment >= %(since)s AND moment < %(until)s
                    GROUP BY config_id""",
                rows=SQL(self._karage_log_rows_sql()),
                hour=hour_start,
                since=since,
                until=until,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    # buttons -------------------------------------------------------------------

    def _karage_bounds(self):
        """``(start, stop)``: this row's local day as naive UTC datetimes."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id._karage_timezone())
        start, stop = (
            tz.localize(datetime.combine(day, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
            for day in (self.day, self.day + timedelta(days=1))
        )
        return start, stop

    def _karage_action(self, model, name, domain):
        return {
            "type": "ir.actions.act_window",
            "name": _("%(what)s: %(branch)s, %(day)s")
            % {"what": name, "branch": self.config_id.name, "day": self.day},
            "res_model": model,
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False},
        }

    def _karage_orders_domain(self, refunds):
        start, stop = self._karage_bounds()
        kind = (
            ["|", ("amount_total", "<", 0), ("external_order_id", "like", ":refund")]
            if refunds
            else [
                ("amount_total", ">=", 0),
                ("external_order_id", "not like", ":refund"),
            ]
        )
        return [
            ("external_order_source", "=", KARAGE_SOURCE),
            ("config_id", "=", self.config_id.id),
            ("state", "in", PAID_STATES),
            ("date_order", ">=", start),
            ("date_order", "<", stop),
            *kind,
        ]

    def _karage_logs_action(self, name, outcome=None):
        self.ensure_one()
        ids = self._karage_log_ids(self.config_id.ids, *self._karage_bounds(), outcome)
        return self._karage_action("karage.pos.webhook.log", name, [("id", "in", ids)])

    def action_open_received(self):
        return self._karage_logs_action(_("Received"))

    def action_open_failed(self):
        return self._karage_logs_action(_("Failed"), "failed")

    def action_open_paid(self):
        self.ensure_one()
        return self._karage_action(
            "pos.order", _("Paid"), self._karage_orders_domain(refunds=False)
        )

    def action_open_refunded(self):
        self.ensure_one()
        return self._karage_action(
            "pos.order", _("Refunded"), self._karage_orders_domain(refunds=True)
        )
