"""Roles and permissions, password and PIN hashing."""
