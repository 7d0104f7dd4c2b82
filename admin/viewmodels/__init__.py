"""Qt-free view-models of the admin app."""
