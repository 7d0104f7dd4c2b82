"""Encore core: the shared, Qt-free library behind the kiosk, the door and the admin apps."""

__version__ = "0.1.0"
