"""The admin app for managers; built in the admin issue."""
