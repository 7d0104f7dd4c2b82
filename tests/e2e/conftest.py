"""The end-to-end tests use the real SMTP server fixtures of the mail tests."""

from tests.core.mail.conftest import start_smtp, tls_files

__all__ = ["start_smtp", "tls_files"]
