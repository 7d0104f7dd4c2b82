"""encore-admin: a venue manager runs the venue from one desktop, through the same client as the kiosk."""
