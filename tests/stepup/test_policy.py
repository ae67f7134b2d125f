"""The policy's decisions without HTTP: which interface needs a code, and which settings changes do."""

from __future__ import annotations

import itertools

import pytest

from partnerhub.partners.models import StepUpChannel
from partnerhub.stepup.policy import StepUpSettings, settings_change_needs_code

MOBILE, EMAIL = StepUpChannel.MOBILE, StepUpChannel.EMAIL
ALL = [
    StepUpSettings(required, api, channel)
    for required, api, channel in itertools.product((False, True), (False, True), (MOBILE, EMAIL))
]


@pytest.mark.parametrize("settings", ALL)
def test_each_interface_follows_its_own_toggle(settings: StepUpSettings) -> None:
    assert settings.needed(interactive=True) is settings.required
    assert settings.needed(interactive=False) is settings.api


def s(required: bool, api: bool, channel: StepUpChannel = MOBILE) -> StepUpSettings:
    return StepUpSettings(required, api, channel)


CASES = [
    # (current, wanted, interactive, needs a code, why)
    (s(False, False), s(False, True), False, False, "switching a toggle on from all off"),
    (s(False, False), s(True, True), True, False, "switching both on from the console"),
    (s(False, True), s(False, False), False, True, "switching the API toggle off"),
    (s(True, False), s(False, False), False, True, "switching the console toggle off, even from the API"),
    (s(True, False), s(True, True), False, False, "tightening from the API while only the console asks"),
    (s(False, True), s(True, True), False, True, "any change from the API while the API toggle is on"),
    (s(True, False), s(True, True), True, True, "any change from the console while its toggle is on"),
    (s(True, False), s(True, False, EMAIL), False, True, "redirecting codes while a toggle is on"),
    (s(False, False), s(False, False, EMAIL), False, False, "choosing a channel while everything is off"),
    (s(False, True, EMAIL), s(False, True, EMAIL), False, True, "no change, but the API toggle asks"),
    (s(True, False), s(True, False), False, False, "no change from the exempt API"),
]


@pytest.mark.parametrize(("current", "wanted", "interactive", "expected", "why"), CASES)
def test_which_settings_changes_need_a_code(
    current: StepUpSettings, wanted: StepUpSettings, interactive: bool, expected: bool, why: str
) -> None:
    assert settings_change_needs_code(current, wanted, interactive=interactive) is expected, why
