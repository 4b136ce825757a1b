# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Karage POS Webhook through Queue Jobs",
    "summary": "Accept Karage orders at once, create them in queue jobs",
    "version": "18.0.1.1.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/karage/karage-odoo",
    "author": "Karage",
    "maintainers": ["karage"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "installable": True,
    "depends": ["karage_pos", "queue_job"],
    "assets": {
        "web.assets_tests": ["karage_pos_queue/static/tests/tours/**/*"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/karage_pos_queue_security.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
        "views/karage_pos_bulk_views.xml",
        "views/karage_pos_webhook_log_views.xml",
        "views/karage_pos_overview_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
