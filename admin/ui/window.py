"""The admin window: the sign-in screen until someone signs in, then their shell; back on sign-out."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from admin.ui.binding import bind
from admin.ui.pages import page_builders
from admin.ui.shell import Shell
from admin.ui.sign_in_view import SignInView
from admin.viewmodels.sign_in import SignInViewModel
from core.client.protocol import StaffSession


class AdminWindow(QMainWindow):
    def __init__(self, vm: SignInViewModel, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Encore Admin"))
        self.setMinimumSize(960, 600)
        self._vm = vm
        self._where = where
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.sign_in = SignInView(vm, where)
        self.stack.addWidget(self.sign_in)
        self.shell: Shell | None = None
        bind(vm.signed_in, self._on_vm_signed_in, self)
        bind(vm.signed_out, self._on_vm_signed_out, self)
        self.sign_in.email.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The screens stop their live work with the window (the dashboard's watches, the door's polling)."""
        if self.shell is not None:
            self.shell.close_pages()
        super().closeEvent(event)

    def _on_vm_signed_in(self, session: StaffSession) -> None:
        self._drop_shell()
        self.shell = Shell(session.staff, self._where, pages=page_builders(session))
        self.shell.sign_out_requested.connect(self._vm.request_sign_out)
        self.stack.addWidget(self.shell)
        self.stack.setCurrentWidget(self.shell)
        self.setWindowTitle(self.tr("Encore Admin — {name}").format(name=session.staff.name))

    def _on_vm_signed_out(self) -> None:
        self._drop_shell()
        self.stack.setCurrentWidget(self.sign_in)
        self.setWindowTitle(self.tr("Encore Admin"))
        self.sign_in.email.setFocus()

    def _drop_shell(self) -> None:
        if self.shell is not None:
            self.shell.close_pages()
            self.stack.removeWidget(self.shell)
            self.shell.deleteLater()
            self.shell = None
