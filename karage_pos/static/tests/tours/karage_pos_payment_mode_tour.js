/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {openKarageMenu} from "@karage_pos/../tests/tours/karage_pos_tour_utils";
import {registry} from "@web/core/registry";

const CREDIT_ROW = ".o_data_row:has(td[name='name']:contains(Credit))";
const METHOD = "Karage Tour Pay Later";

// Point of Sale → Karage → Payment Mode Mapping: map Karage's Credit payment
// mode onto a POS payment method (the list is editable in place).
registry.category("web_tour.tours").add("karage_pos_payment_mode", {
    url: "/odoo",
    steps: () => [
        ...openKarageMenu("karage_pos.menu_karage_pos_payment_mode"),
        {
            content: "Open the Credit mapping",
            trigger: `${CREDIT_ROW} td[name='payment_method_id']`,
            run: "click",
        },
        {
            content: "Choose the payment method",
            // in edition the name is an input: its text is no longer there
            trigger: ".o_selected_row div[name='payment_method_id'] input",
            run: `edit ${METHOD}`,
        },
        {
            content: "Pick it in the suggestions",
            // the method found, not the offer to create one of that name
            trigger: `.o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains(${METHOD})`,
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "Saved: Credit shows its payment method",
            trigger: `.o_list_view:not(:has(.o_selected_row)) ${CREDIT_ROW} td[name='payment_method_id']:contains(${METHOD})`,
        },
    ],
});
