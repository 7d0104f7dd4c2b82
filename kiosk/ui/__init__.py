"""The kiosk's Qt widgets: they render view-model snapshots and forward what the person does."""
