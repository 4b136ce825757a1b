/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {openKarageMenu} from "@karage_pos/../tests/tours/karage_pos_tour_utils";
import {registry} from "@web/core/registry";

const BRANCH_ROW = ".o_data_row:has(td[name='config_id']:contains(External POS Sync Test))";

// Point of Sale → Karage → Overview: today's row of the branch (the test
// sends order 7501, paid, and 7502, refused), then the failed order's log.
registry.category("web_tour.tours").add("karage_pos_overview", {
    url: "/odoo",
    steps: () => [
        ...openKarageMenu("karage_pos.menu_karage_pos_overview"),
        {
            content: "Today's row of the branch counts the paid order",
            trigger: `${BRANCH_ROW} td[name='paid_count']:contains(1)`,
        },
        {
            content: "and the refused one",
            trigger: `${BRANCH_ROW} td[name='failed_count']:contains(1)`,
        },
        {
            content: "Open the branch's day",
            trigger: `${BRANCH_ROW} td[name='config_id']`,
            run: "click",
        },
        {
            content: "Open its failed orders",
            trigger: ".o_form_view button[name='action_open_failed']",
            run: "click",
        },
        {
            content: "The refused order's log is listed",
            trigger: ".o_list_view .o_data_row td[name='external_order_id']:contains(7502)",
        },
    ],
});
