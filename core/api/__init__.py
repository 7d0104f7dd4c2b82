"""The venue server (encore-server): an authenticated HTTPS API over core's services. The trust boundary."""

from core.api.app import create_app

__all__ = ["create_app"]
