"""Roles and permissions, password and PIN hashing, and the secret store (env:, file:, keyring: references)."""

from core.security.secret_store import SecretStore, SystemSecretStore, resolve_secret, store_secret

__all__ = ["SecretStore", "SystemSecretStore", "resolve_secret", "store_secret"]
