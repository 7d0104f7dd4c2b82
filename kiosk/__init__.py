"""The kiosk app (sales and door mode); built in the kiosk issue."""
