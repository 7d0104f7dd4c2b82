"""Qt-free view-models of the kiosk."""
