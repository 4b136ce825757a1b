/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {openKarageMenu} from "@karage_pos/../tests/tours/karage_pos_tour_utils";
import {registry} from "@web/core/registry";

// Point of Sale → Karage → Webhook Logs: from the log of an order sent in a
// bulk (the test sends orders 7401 and 7402 and runs the first one), open
// the bulk and follow its progress and jobs.
registry.category("web_tour.tours").add("karage_pos_queue_bulk", {
    url: "/odoo",
    steps: () => [
        ...openKarageMenu("karage_pos.menu_karage_pos_webhook_log"),
        {
            content: "Open the log of the order still waiting",
            trigger: ".o_data_row td[name='external_order_id']:contains(7402)",
            run: "click",
        },
        {
            content: "Open its bulk",
            trigger: ".o_form_view div[name='bulk_id'] a:contains(Karage bulk of 2 orders)",
            run: "click",
        },
        {
            content: "The bulk counts its two orders",
            // Odoo 18 shows the form's button box in the control panel
            trigger: "div[name='order_count']:has(.o_stat_text:contains(Orders)) .o_stat_value:contains(2)",
        },
        {
            content: "One of them is created",
            trigger:
                ".o_form_view div[name='done_count'] .o_progress[aria-valuenow='1'][aria-valuemax='2']",
        },
        {
            content: "List the bulk's jobs",
            trigger: "button[name='action_open_jobs']",
            run: "click",
        },
        {
            content: "The job still to run is pending",
            trigger: ".o_list_view .o_data_row:contains(7402):contains(Pending)",
        },
        {
            content: "The bulk's other order is done",
            trigger: ".o_list_view:has(.o_data_row:contains(7402)) .o_data_row:contains(7401):contains(Done)",
        },
    ],
});
