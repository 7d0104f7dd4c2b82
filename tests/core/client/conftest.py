"""The client tests use the real SMTP server fixtures of the mail tests (the local client sends ticket mail)."""

from tests.core.mail.conftest import held_smtp, start_smtp, tls_files

__all__ = ["held_smtp", "start_smtp", "tls_files"]
