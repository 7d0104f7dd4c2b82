"""Qt-side device adapters: printer, HID scanner, camera."""
