"""What the apps call: one interface (protocol.py), in-process (local.py) or over HTTPS (remote.py)."""
