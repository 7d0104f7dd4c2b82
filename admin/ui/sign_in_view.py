"""The sign-in screen: e-mail and password (with "remember me"), or Google; it renders SignInState."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.viewmodels.sign_in import Phase, SignInState, SignInViewModel

CARD_WIDTH = 420


def _rule() -> QFrame:
    line = QFrame()
    line.setObjectName("orRule")
    line.setFrameShape(QFrame.Shape.HLine)
    return line


class SignInView(QWidget):
    def __init__(self, vm: SignInViewModel, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInPage")
        self._vm = vm
        card = QFrame(self)
        card.setObjectName("card")
        card.setFixedWidth(CARD_WIDTH)
        card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Maximum)

        title = QLabel(self.tr("Encore Admin"))
        title.setObjectName("appTitle")
        subtitle = QLabel(self.tr("Sign in to run your venue."))
        subtitle.setObjectName("subtitle")
        self.where = QLabel(where)
        self.where.setObjectName("where")
        self.where.setWordWrap(True)

        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.email.setPlaceholderText(self.tr("name@venue.example"))
        self.email.setAccessibleName(self.tr("E-mail address"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.remember = QCheckBox(self.tr("Remember me on this computer"))
        self.remember.setObjectName("remember")
        self.sign_in = QPushButton(self.tr("Sign in"))
        self.sign_in.setObjectName("signIn")
        self.sign_in.setDefault(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Sign-in problem"))
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.or_line = QLabel(self.tr("or"))
        self.or_line.setObjectName("orLine")
        self.or_line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.google = QPushButton(self.tr("Sign in with Google"))
        self.google.setObjectName("google")
        self.cancel = QPushButton(self.tr("Cancel Google sign-in"))
        self.cancel.setObjectName("cancelGoogle")

        form = QVBoxLayout(card)
        form.setContentsMargins(32, 28, 32, 28)
        form.setSpacing(10)
        form.addWidget(title)
        form.addWidget(subtitle)
        form.addWidget(self.where)
        form.addSpacing(10)
        for label, field in ((self.tr("E-mail"), self.email), (self.tr("Password"), self.password)):
            caption = QLabel(label)
            caption.setBuddy(field)
            form.addWidget(caption)
            form.addWidget(field)
        form.addWidget(self.remember)
        form.addWidget(self.error)
        form.addWidget(self.status)
        form.addWidget(self.sign_in)
        self.or_row = QWidget()
        rule_row = QHBoxLayout(self.or_row)
        rule_row.setContentsMargins(0, 4, 0, 4)
        for part in (_rule(), self.or_line, _rule()):
            rule_row.addWidget(part, 1 if part is not self.or_line else 0)
        form.addWidget(self.or_row)
        form.addWidget(self.google)
        form.addWidget(self.cancel)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        page = QVBoxLayout(self)
        page.addStretch(1)
        page.addLayout(row)
        page.addStretch(2)

        self.sign_in.clicked.connect(self._on_sign_in_clicked)
        self.password.returnPressed.connect(self._on_sign_in_clicked)
        self.email.returnPressed.connect(self.password.setFocus)
        self.google.clicked.connect(self._on_google_clicked)
        self.cancel.clicked.connect(vm.cancel_google)
        bind(vm.changed, self._on_vm_changed, self)
        self._on_vm_changed(vm.state)

    def _on_sign_in_clicked(self) -> None:
        self._vm.request_sign_in(self.email.text(), self.password.text(), remember=self.remember.isChecked())

    def _on_google_clicked(self) -> None:
        self._vm.request_google(remember=self.remember.isChecked())

    def _on_vm_changed(self, state: SignInState) -> None:
        busy = state.busy
        for widget in (self.email, self.password, self.remember, self.sign_in, self.google):
            widget.setEnabled(not busy)
        waiting = state.phase is Phase.WAITING_FOR_GOOGLE
        self.google.setVisible(state.google_available and not waiting)
        self.cancel.setVisible(waiting)
        self.or_row.setVisible(state.google_available)
        self.error.setText(state.error)
        self.error.setVisible(bool(state.error))
        status = {
            Phase.SIGNING_IN: self.tr("Signing in…"),
            Phase.WAITING_FOR_GOOGLE: self.tr(
                "Finish signing in with Google in your browser; this window waits for it."
            ),
        }.get(state.phase, "")
        self.status.setText(status)
        self.status.setVisible(bool(status))
        if state.phase is Phase.SIGNED_IN:
            self.password.clear()  # a password never stays in the form after it was used
        elif state.phase is Phase.IDLE and state.error:
            self.password.selectAll()
            self.password.setFocus()
