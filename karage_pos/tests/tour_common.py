# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tests that keep a screenshot of the screen each one ends on."""

import base64
import unittest
from contextlib import contextmanager
from unittest import mock

from odoo.tests import common as odoo_common
from odoo.tests.common import ChromeBrowser, _find_executable, save_test_file

# the one line setup/test greps for: a tour skipped for want of a browser is
# not a tour that passed
NO_BROWSER = "KARAGE TOURS NOT RUN: no Chrome/Chromium on PATH"
NO_WEBSOCKET = "KARAGE TOURS NOT RUN: websocket-client is not installed"


class KarageTourMixin:
    """For an ``HttpCase``: run tours, keep their last screen.

    A tour that succeeds leaves ``karage_tour_<time>_<test>.png`` beside the
    screenshots Odoo takes of a failing tour, in
    ``<screenshots>/<database>/screenshots`` (Odoo's ``--screenshots``
    option, ``/tmp/odoo_tests`` by default); setup/test points it at a folder
    it prints. Without a browser (or the websocket client Odoo drives it
    with) the tests are skipped with ``NO_BROWSER``.
    """

    @classmethod
    def setUpClass(cls):
        if odoo_common.websocket is None:
            raise unittest.SkipTest(NO_WEBSOCKET)
        try:
            _find_executable()
        except unittest.SkipTest as error:
            raise unittest.SkipTest(NO_BROWSER) from error
        super().setUpClass()

    def karage_tour(self, url, tour, login="admin", **kwargs):
        """Run ``tour`` from ``url`` as ``login``; keep its last screen."""
        with self.karage_screenshot():
            self.start_tour(url, tour, login=login, **kwargs)

    @contextmanager
    def karage_screenshot(self):
        """Keep the last screen of the browser tests run in this block, when
        they succeed (Odoo keeps the failing ones itself)."""
        stop = ChromeBrowser.stop
        test = self

        def stop_after_screenshot(browser):
            result = browser._result
            if result.done() and not result.cancelled() and not result.exception():
                test._karage_save_screenshot(browser)
            return stop(browser)

        with mock.patch.object(ChromeBrowser, "stop", stop_after_screenshot):
            yield

    def _karage_save_screenshot(self, browser):
        try:
            future = browser._websocket_send("Page.captureScreenshot", with_future=True)
            png = base64.b64decode(future.result(timeout=15)["data"])
        except Exception as error:  # a missing picture never fails the tour
            self._logger.warning("Karage: no screenshot of the tour: %s", error)
            return
        save_test_file(self._testMethodName, png, "karage_tour_", logger=self._logger)
