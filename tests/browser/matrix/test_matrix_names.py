"""/matrix with names: every grid names its cells, W_conv's rotated kernel too."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.matrix.test_matrix import mx  # noqa: F401


def test_names_mode_names_the_rotated_kernel_w22_to_w11(mx: Page) -> None:  # noqa: F811
    expect(mx.locator('[data-view="rotated"] .cell .v')).to_have_text(["4", "3", "2", "1"])
    mx.locator("[data-symbolic]").check()
    expect(mx.locator('[data-view="rotated"] .cell .v')).to_have_text(
        ["w₂₂", "w₂₁", "w₁₂", "w₁₁"])
    mx.locator("[data-symbolic]").uncheck()
    expect(mx.locator('[data-view="rotated"] .cell .v')).to_have_text(["4", "3", "2", "1"])
