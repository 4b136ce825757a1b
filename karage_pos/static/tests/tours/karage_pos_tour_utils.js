/* Copyright 2026 Karage
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/**
 * Steps opening Point of Sale → Karage → the menu ``menuXmlid``, the way an
 * administrator does: through the home menu, the app, then its Karage menu.
 *
 * @param {String} menuXmlid the XML id of a menu under Point of Sale → Karage
 * @returns {Array} tour steps
 */
export function openKarageMenu(menuXmlid) {
    return [
        ...stepUtils.goToAppSteps("point_of_sale.menu_point_root", "Open Point of Sale"),
        {
            content: "Open the Karage menu",
            trigger: ".o_main_navbar [data-menu-xmlid='karage_pos.menu_karage_pos']",
            run: "click",
        },
        {
            content: `Open ${menuXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
    ];
}
