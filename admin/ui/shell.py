"""The signed-in window: a top bar (who, sign out), the screens this role may use on the left, one page each."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from admin.viewmodels.navigation import Screen, ScreenKey, screens_for
from core.domain.api_bodies import StaffSummary

ROLE_WORDS = {"admin": "Admin", "manager": "Manager", "box_office": "Box office", "door": "Door"}
NAV_WIDTH = 220


class PlaceholderPage(QWidget):
    """A screen that is not built yet says what it will be for."""

    def __init__(self, screen: Screen, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"page-{screen.key}")
        title = QLabel(screen.title)
        title.setObjectName("pageTitle")
        summary = QLabel(screen.summary)
        summary.setObjectName("pageSummary")
        summary.setWordWrap(True)
        later = QLabel(self.tr("This screen comes in a later step of the admin app."))
        later.setObjectName("comesLater")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(later)
        layout.addStretch(1)


class Shell(QWidget):
    sign_out_requested = Signal()

    def __init__(
        self,
        staff: StaffSummary,
        where: str,
        parent: QWidget | None = None,
        *,
        pages: Mapping[ScreenKey, Callable[[], QWidget]] | None = None,
    ) -> None:
        """``pages``: how to build each screen that exists (admin.ui.pages); the others show a placeholder."""
        super().__init__(parent)
        self.setObjectName("shell")
        self.screens = screens_for(staff.role)

        bar = QWidget()
        bar.setObjectName("topBar")
        title = QLabel(self.tr("Encore Admin"))
        title.setObjectName("topTitle")
        where_label = QLabel(where)
        where_label.setObjectName("where")
        self.who = QLabel(f"{staff.name} · {ROLE_WORDS.get(staff.role.value, staff.role.value)}")
        self.who.setObjectName("who")
        self.sign_out = QPushButton(self.tr("Sign out"))
        self.sign_out.setObjectName("signOut")
        top = QHBoxLayout(bar)
        top.setContentsMargins(20, 10, 20, 10)
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(where_label)
        top.addStretch(1)
        top.addWidget(self.who)
        top.addSpacing(12)
        top.addWidget(self.sign_out)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.pages = QStackedWidget()
        self.built: list[QWidget] = []
        for screen in self.screens:
            QListWidgetItem(screen.title, self.nav)
            build = (pages or {}).get(screen.key)
            page = build() if build is not None else PlaceholderPage(screen)
            self.built.append(page)
            self.pages.addWidget(page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        if self.screens:
            self.nav.setCurrentRow(0)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addLayout(body, 1)
        self.sign_out.clicked.connect(self.sign_out_requested)

    def close_pages(self) -> None:
        """Stop the screens' work in flight (sign-out); each page that has some says how."""
        for page in self.built:
            close = getattr(page, "close_page", None)
            if close is not None:
                close()

    def show_screen(self, key: ScreenKey) -> QWidget:
        row = [s.key for s in self.screens].index(key)
        self.nav.setCurrentRow(row)
        return self.built[row]

    def titles(self) -> list[str]:
        return [self.nav.item(i).text() for i in range(self.nav.count())]
