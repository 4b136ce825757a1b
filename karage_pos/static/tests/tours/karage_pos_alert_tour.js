/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

// The To Do an alert gives the POS administrator (the test raises a failure
// rate alert for the branch): from the activity menu to the alert itself.
registry.category("web_tour.tours").add("karage_pos_alert", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the activity menu",
            trigger: ".o_menu_systray button:has(i[aria-label='Activities'])",
            run: "click",
        },
        {
            content: "Open the Karage alerts to do",
            trigger: ".o-mail-ActivityGroup[data-model_name='karage.pos.alert']",
            run: "click",
        },
        {
            content: "Open the branch's alert",
            trigger: ".o_data_row td[name='config_id']:contains(External POS Sync Test)",
            run: "click",
        },
        {
            content: "It says what happened",
            trigger: ".o_form_view div[name='kind']:contains(Orders failing)",
        },
        {
            content: "and where to look",
            trigger: ".o_form_view div[name='description']:contains(Webhook Logs)",
        },
        {
            content: "The To Do is on the alert",
            trigger: ".o-mail-Activity:contains(Karage: External POS Sync Test)",
        },
    ],
});
