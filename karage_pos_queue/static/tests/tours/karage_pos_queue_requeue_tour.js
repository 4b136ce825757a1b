/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {openKarageMenu} from "@karage_pos/../tests/tours/karage_pos_tour_utils";
import {registry} from "@web/core/registry";

// Point of Sale → Karage → Webhook Logs: open the log of an order whose job
// failed (the test prepares order 7301 for a product without tax), requeue
// it, and see its job waiting to run again.
registry.category("web_tour.tours").add("karage_pos_queue_requeue", {
    url: "/odoo",
    steps: () => [
        ...openKarageMenu("karage_pos.menu_karage_pos_webhook_log"),
        {
            content: "Open the failed order's log",
            trigger: ".o_data_row td[name='external_order_id']:contains(7301)",
            run: "click",
        },
        {
            content: "Its job failed, with the reason",
            trigger: ".o_form_view div[name='job_state']:contains(Failed)",
        },
        {
            content: "The job's error is shown",
            trigger: ".o_form_view div[name='job_error']:contains(not fully paid)",
        },
        {
            content: "Requeue it",
            trigger: ".o_form_view button[name='action_requeue']",
            run: "click",
        },
        {
            content: "The job waits to run again",
            trigger: ".o_form_view div[name='job_state']:contains(Pending)",
        },
        {
            content: "The log is queued and cannot be requeued twice",
            trigger:
                ".o_form_view:not(:has(button[name='action_requeue'])) div[name='state']:contains(Queued)",
        },
    ],
});
