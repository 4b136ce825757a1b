/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

const STATUSES = "div[name='karage_pos_valid_statuses'] input";

// Settings → Karage POS: change Valid Order Statuses, save, and find the new
// value after the settings are reloaded from the database.
registry.category("web_tour.tours").add("karage_pos_settings", {
    url: "/odoo/settings",
    steps: () => [
        {
            content: "Open the Karage POS settings",
            trigger: ".settings_tab .tab[data-key='karage_pos']",
            run: "click",
        },
        {
            content: "The Order Validation block is shown",
            trigger: ".app_settings_block[data-key='karage_pos'] :contains(Order Validation)",
        },
        {
            content: "Accept the Karage status 104 too",
            trigger: STATUSES,
            run: "edit 103,104 && press Tab",
        },
        {
            content: "The settings know they have unsaved changes",
            trigger: ".o_dirty_warning",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The settings are reloaded, saved",
            trigger: ".o_form_view:not(:has(.o_dirty_warning))",
        },
        {
            content: "Open the Karage POS settings again",
            trigger: ".settings_tab .tab[data-key='karage_pos']",
            run: "click",
        },
        {
            content: "The new statuses stuck",
            trigger: `${STATUSES}:value("103,104")`,
        },
    ],
});
