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
        """WITH batches AS (
               SELECT DISTINCT batch.id, batch.name, batch.user_id,
                      log.company_id, min(log.create_date) AS created
                 FROM karage_pos_webhook_log log
                 JOIN queue_job job ON job.id = log.job_id
                 JOIN queue_job_batch batch ON batch.id = job.job_batch_id
                GROUP BY batch.id, batch.name, batch.user_id, log.company_id
           ), bulks AS (
               INSERT INTO karage_pos_bulk (name, user_id, company_id,
                                            create_date, write_date)
               SELECT name, user_id, company_id, created, created FROM batches
               RETURNING id, name, company_id, create_date
           )
           UPDATE karage_pos_webhook_log log SET bulk_id = bulk.id
             FROM queue_job job, batches, bulks bulk
            WHERE job.id = log.job_id
              AND batches.id = job.job_batch_id
              AND bulk.name = batches.name
              AND bulk.company_id = batches.company_id
              AND bulk.create_date = batches.created
              AND log.company_id = batches.company_id"""
    )
