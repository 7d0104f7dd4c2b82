"""The admin app's widgets: they render view-model state and forward what the user does (Qt only)."""
