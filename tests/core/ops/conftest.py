from tests.core.mail.conftest import start_smtp, tls_files

__all__ = ["start_smtp", "tls_files"]
