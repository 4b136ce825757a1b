# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulks are karage.pos.bulk records, no longer queue_job_batch batches:
the logs of each batch that held Karage jobs get a bulk of the same name.
queue_job_batch itself is left installed, with its batches."""


def migrate(cr, version):
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'queue_job' AND column_name = 'job_batch_id'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        """SELECT batch.id, batch.name, batch.user_id, log.company_id,
                  min(log.create_date)
             FROM karage_pos_webhook_log log
             JOIN queue_job job ON job.id = log.job_id
             JOIN queue_job_batch batch ON batch.id = job.job_batch_id
            GROUP BY batch.id, batch.name, batch.user_id, log.company_id"""
    )
    for batch_id, name, user_id, company_id, created in cr.fetchall():
        cr.execute(
            """INSERT INTO karage_pos_bulk (name, user_id, company_id,
                                            create_date, write_date)
               VALUES (%s, %s, %s, %s, %s) RETURNING id""",
            [name, user_id, company_id, created, created],
        )
        [bulk_id] = cr.fetchone()
        cr.execute(
            """UPDATE karage_pos_webhook_log log SET bulk_id = %s
                 FROM queue_job job
                WHERE job.id = log.job_id AND job.job_batch_id = %s
                  AND log.company_id = %s""",
            [bulk_id, batch_id, company_id],
        )
