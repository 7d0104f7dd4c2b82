"""Enrolment: the kiosk's name and key fingerprint, waiting for a manager to approve it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.ui.screens.base import ScreenDeps
from kiosk.ui.screens.out_of_service import CentredScreen
from kiosk.ui.widgets import label, panel
from kiosk.viewmodels.flow_state import FlowState, Step


class EnrolmentScreen(CentredScreen):
    """For the installer, not a buyer: the key fingerprint a manager compares before approving this kiosk."""

    step = Step.ENROLMENT

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        frame, box = panel()
        self.device_caption = label(role="muted")
        self.device = label(role="subtitle", name="device_name")
        self.fingerprint_caption = label(role="muted")
        self.fingerprint = label(
            role="mono", wrap=False, name="fingerprint"
        )  # its own lines, never re-wrapped
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = label(role="subtitle", name="enrolment_status")
        for w in (self.device_caption, self.device, self.fingerprint_caption, self.fingerprint, self.status):
            box.addWidget(w)
        # A centred frame shrinks to its wrapped labels' narrowest width (it showed "Foyer / kiosk 2" clipped).
        frame.setMinimumWidth(760)
        frame.setMaximumWidth(1300)
        self.root.addSpacing(20)
        self.root.addWidget(frame, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Waiting for a manager to approve this kiosk"))
        self.detail.setText(
            self.tr("In Encore Admin, open Devices and compare this fingerprint before approving.")
        )
        self.device_caption.setText(self.tr("Device"))
        self.fingerprint_caption.setText(self.tr("Key fingerprint"))

    def render(self, state: FlowState) -> None:
        info = state.enrolment
        self.device.setText(info.device_name if info else "")
        self.fingerprint.setText(_grouped(info.fingerprint) if info else "")
        status = info.status if info else "pending"
        self.status.setText(
            {
                "pending": self.tr("Status: waiting for approval"),
                "approved": self.tr("Status: approved, starting…"),
                "revoked": self.tr("Status: revoked. This kiosk may not sell; please call a manager."),
            }.get(status, status)
        )


def _grouped(fingerprint: str) -> str:
    """Groups of four, four groups a line: easy to compare by eye, and narrow enough for large text in portrait."""
    raw = fingerprint.replace(":", "").replace(" ", "")
    if len(raw) < 8 or not raw.isalnum():
        return fingerprint
    groups = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    return "\n".join(" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4))
