"""Settings: defaults < TOML file < ENCORE_* environment variables. Secrets are references, never values."""

from __future__ import annotations

import contextlib
import math
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import platformdirs

from core.domain.errors import ConfigError
from core.domain.validation import has_control_characters

APP_NAME = "encore"


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME))
    return f"sqlite+aiosqlite:///{data_dir / 'encore.sqlite3'}"


def default_backup_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "backups"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "encore.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = ""
    """SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db. Empty: embedded file."""
    database_password_ref: str = ""
    """Secret-store reference for the database password, e.g. 'keyring:encore/db'. Never the password."""
    database_tls: bool = False
    database_pool_size: int = 10
    database_pooler: str = ""
    """What sits between the server and PostgreSQL: empty (nothing: a direct connection) or pgbouncer
    (PgBouncer in transaction pooling: no statement cache, uniquely named prepared statements, and the session
    timeouts left to PgBouncer's connect_query, which it replays on each server connection)."""
    database_owner_url: str = ""
    """Where `encore-ops` migrates and grants, as the role that owns the schema. Empty: database_url (one role
    for everything, as on SQLite). The venue server itself connects with database_url as database_server_role."""
    database_owner_password_ref: str = ""
    """Secret-store reference for the owner's password (with database_owner_url). Never the password."""
    database_server_role: str = "encore_server"
    """The PostgreSQL role the venue server connects as: only the DML it needs, no DDL, no TRUNCATE."""
    database_server_password_ref: str = ""
    """The server role's password, set by `encore-ops db upgrade`. Empty: login is left to pg_hba.conf."""
    database_reporting_role: str = "encore_reporting"
    """A read-only PostgreSQL role for reports and exports."""
    database_reporting_password_ref: str = ""
    """The reporting role's password, set by `encore-ops db upgrade`. Empty: login is left to pg_hba.conf."""
    redis_url: str = ""
    """Empty: no Redis; live updates run in-process (embedded mode). Never holds a password."""
    redis_password_ref: str = ""
    """Secret-store reference for the Redis password, e.g. 'env:ENCORE_REDIS_PASSWORD'. Never the password."""
    redis_tls: bool = False
    redis_namespace: str = ""
    """Prefix of this database's Redis channels and keys (encore:<namespace>:...), so two venues or databases
    on one Redis never see each other's events. Empty: derived from the database itself (its site instance
    id), which the server and every device of that database read alike."""
    mqtt_url: str = ""
    """Broker for turnstiles and device health, mqtt://host:1883 or mqtts://host:8883. Empty: no MQTT."""
    mqtt_password_ref: str = ""
    broker_ca_file: str = ""
    """A venue CA (PEM) that the TLS certificates of Redis (rediss:// or redis_tls) and the MQTT broker
    (mqtts://) are checked against, as server-stack's brokers use. Empty: the system CAs."""
    """Secret-store reference for the MQTT password (the user name goes in the URL). Never the password."""
    gate_open_enabled: bool = False
    """Send an open command to the turnstile after ADMIT (off: door staff open gates by hand)."""
    gate_key_ref: str = ""
    """Secret-store reference for the gate master secret; each gate's command key is derived from it (HKDF),
    and each turnstile controller holds only its own. Empty: embedded mode keeps one in a 0600 file in the data
    directory; elsewhere gate commands cannot be sent."""
    smtp_host: str = ""
    """Mail relay for tickets, reminders and sign-in notices. Empty: no mail is sent."""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    """starttls (usually port 587), tls (implicit TLS, usually 465) or none (a relay on localhost only)."""
    smtp_username: str = ""
    smtp_password_ref: str = ""
    """Secret-store reference for the SMTP password, e.g. 'keyring:encore/smtp'. Never the password."""
    smtp_tls_ca_file: str = ""
    """Extra CA certificates (PEM) to trust for the relay, e.g. a venue's private CA. Empty: system CAs only."""
    smtp_timeout_s: float = 15.0
    mail_from: str = ""
    """The From address of every mail, e.g. 'Encore Box Office <tickets@venue.example>'."""
    demo_mode: bool = False
    device_id: int = 0
    """This machine's registered device (0: not enrolled)."""
    statement_timeout_s: float = 5.0
    live_resync_s: float = 30.0
    log_level: str = "INFO"
    backup_dir: str = ""
    """Where `encore-ops backup` and the scheduler's nightly backup write. Empty: a backups folder in the user
    data directory."""
    offsite_url: str = ""
    """S3-compatible object storage for off-site copies of the logical backups (`encore-ops backup --offsite`),
    e.g. https://s3.eu-central-1.amazonaws.com. Empty: no off-site copies."""
    offsite_bucket: str = ""
    offsite_prefix: str = "encore/"
    """Where in the bucket the copies go (object names are this plus the backup's file name)."""
    offsite_region: str = "us-east-1"
    offsite_access_key_ref: str = ""
    """Secret-store reference for the object store's access key id."""
    offsite_secret_key_ref: str = ""
    """Secret-store reference for the object store's secret access key."""
    offsite_key_ref: str = ""
    """Secret-store reference for the key that seals each copy (AES-256-GCM) before it leaves the machine:
    32 random bytes in base64 (openssl rand -base64 32). Keep a copy of it away from the venue: without it
    no off-site backup can be opened."""
    offsite_ca_file: str = ""
    """Extra CA certificates (PEM) for the object store, e.g. a private S3 service's CA. Empty: system CAs."""
    kiosk_mode: str = "sales"
    """What the kiosk app shows: sales (buyers) or door (check-in)."""
    payment_terminal: str = "auto"
    """attended (box-office staff confirm with their PIN), demo (the buyer approves or declines a simulated
    card) or auto: demo on a demo database, attended otherwise."""
    kiosk_idle_timeout_s: float = 60.0
    """An untouched kiosk returns to its start screen (and releases the hold) after this long."""
    kiosk_idle_warning_s: float = 20.0
    """How long before the idle timeout the kiosk asks "still there?"."""
    kiosk_printer: str = ""
    """Empty: the system default printer; printer:<name>: a named printer; folder:/absolute/path: write each
    ticket PDF into that folder."""
    kiosk_lockdown: bool = True
    """Full screen; the kiosk exits only by a staff gesture and PIN."""
    kiosk_language: str = "en"
    device_key_ref: str = ""
    """Where this machine's Ed25519 device key lives (env:, file: or keyring: reference; never the key).
    Empty: the default place for the device kind."""
    ticket_signing_key_ref: str = ""
    """Where the venue server's Ed25519 ticket-signing key lives (env:, file: or keyring: reference). Empty:
    embedded mode keeps one in a 0600 file beside the SQLite database; on PostgreSQL nothing can be sold."""
    health_interval_s: float = 60.0
    """How often a kiosk or door reports its health over MQTT."""
    door_gate: str = ""
    """The turnstile this door station opens (empty: none)."""
    device_name: str = ""
    """The name this kiosk or door enrols under (1 to 100 characters), as managers see it in Devices. Empty:
    "Kiosk <hostname>" or "Door station <hostname>", so that two machines do not ask for the same name."""
    door_snapshot_max_age_s: float = 6 * 3600.0
    """How old the door's offline list (trusted keys, void list, tickets) may be for it to check tickets offline.
    Older, an offline door says "check by hand" instead of a verdict: refunds and sales since are not in it."""
    server_url: str = ""
    """The venue server (encore-server) a kiosk or door talks to, e.g. https://encore.venue.example:8443.
    Empty: no server; the app runs core in this process on database_url (the embedded mode)."""
    server_ca_file: str = ""
    """A venue CA (PEM) the server's certificate is checked against. Empty: the system CAs."""
    server_cert_sha256: str = ""
    """The SHA-256 fingerprint of the server's certificate (64 hex digits, ':' between pairs allowed), from the
    venue's IT. Set: this device trusts exactly that certificate, self-signed or from any CA, and refuses every
    other before sending anything. Empty: server_ca_file (or what server_cert_trust_first pinned)."""
    server_cert_trust_first: bool = False
    """Trust on first use: with no server_cert_sha256, the certificate the server shows when this device first
    enrols is pinned (its fingerprint stored beside the device key) and every later connection must show it.
    Enrol on a network you trust."""
    server_call_deadline_s: float = 8.0
    """A kiosk's or door's limit for one call to the server, retries and sign-in included: past it the call is
    server_unreachable (the kiosk goes out of service and comes back by itself), however the network stalls.
    Each attempt also has its own connect (3 s) and read (10 s) timeouts."""
    server_host: str = "127.0.0.1"
    """Where encore-server listens (0.0.0.0 behind the stack's load balancer)."""
    server_port: int = 8443
    server_workers: int = 0
    """encore-server worker processes; 0: one per CPU core."""
    server_tls_cert_ref: str = ""
    """Secret-store reference for the server's certificate chain (PEM). Empty: plain HTTP, only behind the
    stack's TLS terminator."""
    server_tls_key_ref: str = ""
    """Secret-store reference for the server certificate's private key (PEM)."""
    server_rate_limits: str = ""
    """Overrides of the per-client-address limits, e.g. 'enrol=10/60,challenge=60/60,pin=30/60' (requests per
    seconds). Raise them when many devices share one address (NAT)."""
    pin_key_ref: str = ""
    """Secret-store reference for the key staff PINs are fingerprinted with (HMAC-SHA256; 32+ random bytes,
    base64: openssl rand -base64 32), the same on every server replica and never in the database. Empty:
    embedded mode keeps one in a 0600 file beside the SQLite database; on PostgreSQL no PIN can be set or
    checked. Replacing it makes every PIN wrong until set again (rotation keeping old PINs is not built yet)."""
    server_token_key_ref: str = ""
    """Secret-store reference for the key that signs device tokens (32+ random characters, the same on every
    server replica)."""
    server_token_previous_key_ref: str = ""
    """During a rotation of server_token_key_ref: the key it replaced. Tokens it signed stay valid until they
    expire (15 minutes for an access token); new tokens are signed with the new key. Remove it after that."""
    server_request_timeout_s: float = 15.0
    """A request still unanswered after this long is answered 503 (request_timeout) instead of hanging."""

    google_client_id: str = ""
    """The OAuth client (Google's "desktop app" kind) staff sign in with through Google: the admin app runs its
    flow, the server takes it as the ID token's audience. Empty: no Google sign-in."""
    google_client_secret_ref: str = ""
    """The admin app's reference to that client's secret (Google's installed-app secret is not confidential)."""
    google_issuer: str = "https://accounts.google.com"
    """Whose ID tokens are accepted (its /.well-known/openid-configuration gives the endpoints); the server
    checks each token's iss against it, as google-auth does not."""
    google_certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"
    """Where the server fetches the issuer's signing certificates ({key id: PEM certificate})."""

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()

    def owner_database(self) -> tuple[str, str]:
        """(URL, password reference) of the connection that migrates and grants: the owner's if one is set."""
        if self.database_owner_url:
            return self.database_owner_url, self.database_owner_password_ref
        return self.resolved_database_url(), self.database_password_ref

    def direct_owner_database(self) -> tuple[str, str]:
        """owner_database() for backups, restores and migrations, which need PostgreSQL itself: pg_dump and
        pg_restore hold one snapshot or session across many statements, and migrations take locks and set
        session state, which PgBouncer in transaction pooling hands to whichever client comes next."""
        if self.database_pooler == "pgbouncer" and not self.database_owner_url:
            raise ConfigError(
                "settings",
                "database_owner_url",
                "backups, restores and migrations need a direct connection to PostgreSQL, and database_url "
                "goes through PgBouncer (database_pooler = pgbouncer): set database_owner_url to PostgreSQL "
                "itself, as the schema's owner (with database_owner_password_ref)",
            )
        return self.owner_database()

    @property
    def is_embedded(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")


DEVICE_NAME_LIMIT = 100
"""As long as a device name may be on the venue server (core.services.devices)."""


def enrolment_name(settings: Settings, kind_label: str) -> str:
    """The name a kiosk or door enrols under: device_name, or the kind and this machine's hostname (trimmed to
    the limit), so that every machine with default settings asks for a name of its own."""
    if settings.device_name:
        return settings.device_name
    host = socket.gethostname().strip()
    if not host or has_control_characters(host):
        return kind_label
    return f"{kind_label} {host}"[:DEVICE_NAME_LIMIT].rstrip()


_ENV_PREFIX = "ENCORE_"
_FIELDS = {f.name: f for f in fields(Settings)}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}

SECRET_SCHEMES = ("env", "file", "keyring")
"""The secret-store reference forms: env:NAME, file:/absolute/path, keyring:service/username."""

_REF_FIELDS = (
    "database_password_ref",
    "database_owner_password_ref",
    "database_server_password_ref",
    "database_reporting_password_ref",
    "redis_password_ref",
    "mqtt_password_ref",
    "smtp_password_ref",
    "device_key_ref",
    "server_tls_cert_ref",
    "server_tls_key_ref",
    "server_token_key_ref",
    "server_token_previous_key_ref",
    "ticket_signing_key_ref",
    "gate_key_ref",
    "pin_key_ref",
    "google_client_secret_ref",
    "offsite_access_key_ref",
    "offsite_secret_key_ref",
    "offsite_key_ref",
)
_SMTP_SECURITY = ("starttls", "tls", "none")
_KIOSK_MODES = ("sales", "door")
_PAYMENT_TERMINALS = ("auto", "attended", "demo")
_LANGUAGES = ("en", "de", "es")
MIN_IDLE_TIMEOUT_S = 10.0
MIN_IDLE_WARNING_S = 5.0
MIN_HEALTH_INTERVAL_S = 5.0
MIN_SNAPSHOT_AGE_S = 60.0
MAX_SNAPSHOT_AGE_S = 3 * 24 * 3600.0
"""A list older than a few days misses too many refunds and sales to admit anyone by."""
MIN_CALL_DEADLINE_S = 1.0
"""Below this a TLS handshake to a busy server already fails."""
MAX_CALL_DEADLINE_S = 60.0
"""Above this a kiosk on a silent network looks frozen long before it says it is out of service."""
# The same rule as core.iot's topic names (config sits below iot): a gate name becomes an MQTT topic level.
_GATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_REF_FORMS = "env:NAME, file:/absolute/path or keyring:service/username"
# Role names go into GRANT statements (quoted, but kept plain so that no quoting question arises).
_SHA256 = re.compile(r"[0-9A-Fa-f]{64}")
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# A namespace sits inside Redis ACL patterns (~encore:<ns>:*), so no glob characters and no colon.
REDIS_NAMESPACE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
DEFAULT_REDIS_NAMESPACE = "default"
"""The namespace when none is configured or derived (a bus made in tests, a database not yet migrated)."""


def _coerce(source: str, key: str, raw: Any, kind: type, *, from_env: bool) -> Any:
    """Turn a TOML value or an environment string into the field's type, or say exactly what is wrong."""
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if from_env and isinstance(raw, str) and raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise ConfigError(source, key, f"must be true or false, not {raw!r}")
    if kind is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if from_env and isinstance(raw, str):
            try:
                return int(raw)
            except ValueError:
                pass
        raise ConfigError(source, key, f"must be a whole number, not {raw!r}")
    if kind is float:
        value: float | None = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            value = float(raw)
        elif from_env and isinstance(raw, str):
            with contextlib.suppress(ValueError):
                value = float(raw)
        # TOML and float() both accept nan and inf, which would slip past every "> 0" check.
        if value is None or not math.isfinite(value):
            raise ConfigError(source, key, f"must be a number, not {raw!r}")
        return value
    if not isinstance(raw, str):
        raise ConfigError(source, key, f"must be text in quotes, not {raw!r}")
    return raw


def _apply(settings: Settings, source: str, values: Mapping[str, Any], *, from_env: bool) -> Settings:
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        field = _FIELDS.get(key)
        if field is None:
            known = ", ".join(sorted(_FIELDS))
            raise ConfigError(source, key, f"unknown setting; known settings are: {known}")
        if key in _REF_FIELDS and not isinstance(raw, str):
            # Not quoted back: a number here may well be the password itself.
            raise ConfigError(
                source, key, "must be text in quotes, such as 'env:NAME'; the value is not shown"
            )
        kind = {"bool": bool, "int": int, "float": float, "str": str}[str(field.type)]
        changes[key] = _coerce(source, key, raw, kind, from_env=from_env)
    if "log_level" in changes:
        # logging accepts only upper-case level names; "debug" would pass validation and fail at start-up.
        changes["log_level"] = changes["log_level"].upper()
    result = replace(settings, **changes)
    _validate(result, source)
    return result


def parse_secret_ref(ref: str) -> tuple[str, str]:
    """Split a secret reference into (scheme, target), or raise ValueError with the problem.

    The problem never quotes ``ref``: a person may have typed the secret itself where a reference belongs.
    """
    scheme, sep, target = ref.partition(":")
    if not sep or scheme not in SECRET_SCHEMES:
        raise ValueError(f"must be a secret reference ({_REF_FORMS}); the value is not shown here")
    if scheme == "env" and not (target.isidentifier() and target.isascii()):
        raise ValueError("env: must name an environment variable (letters, digits, _), as in env:NAME")
    if scheme == "file" and not Path(target).expanduser().is_absolute():
        raise ValueError("file: must name an absolute path, as in file:/etc/encore/db-password")
    if scheme == "keyring":
        service, _, username = target.rpartition("/")
        if not service or not username:
            raise ValueError("keyring: must name a service and a user name, as in keyring:encore/db")
    return scheme, target


def _has_password(url: str) -> bool:
    # Parse, do not search for "@" and ":": both may appear in a query string or a socket path.
    # Drivers also take ?password=... (asyncpg through SQLAlchemy, redis-py), so the query counts too.
    try:
        parts = urlsplit(url)
        return bool(parts.password) or "password" in parse_qs(parts.query)
    except ValueError:
        return False


_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _validate_server_url(url: str, source: str) -> None:
    """https only: a kiosk's credentials and a staff PIN cross this link (plain http only to this machine)."""
    if not url:
        return
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    plain_local = parts is not None and parts.scheme == "http" and host in _LOOPBACK
    if parts is None or not host or (parts.scheme != "https" and not plain_local):
        raise ConfigError(
            source, "server_url", "must be https://host[:port] (http:// only for a server on this machine)"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(source, "server_url", "must be just https://host[:port][/path], no user or query")


def _validate_database_url(source: str, key: str, url: str, ref_key: str) -> None:
    if url and not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+asyncpg://")):
        raise ConfigError(source, key, "must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    if url.startswith("postgresql") and _has_password(url):
        raise ConfigError(source, key, f"must not contain a password; put it in the secret store ({ref_key})")


DATABASE_POOLERS = ("", "pgbouncer")


def _validate_database(s: Settings, source: str) -> None:
    _validate_database_url(source, "database_url", s.database_url, "database_password_ref")
    _validate_database_url(source, "database_owner_url", s.database_owner_url, "database_owner_password_ref")
    for key in ("database_server_role", "database_reporting_role"):
        if not _ROLE_NAME.fullmatch(getattr(s, key)):
            raise ConfigError(
                source, key, "must be 1 to 63 lower-case letters, digits or _, not starting with a digit"
            )
    if s.database_server_role == s.database_reporting_role:
        raise ConfigError(source, "database_reporting_role", "must differ from database_server_role")
    if s.database_pooler not in DATABASE_POOLERS:
        raise ConfigError(
            source,
            "database_pooler",
            "must be empty (a direct connection) or pgbouncer (transaction pooling)",
        )
    if s.database_pooler and not s.database_url.startswith("postgresql"):
        raise ConfigError(
            source,
            "database_pooler",
            "is for PostgreSQL: set database_url to the pooler's postgresql+asyncpg:// URL",
        )


def _validate(s: Settings, source: str) -> None:
    _validate_database(s, source)
    if s.redis_url and not s.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(source, "redis_url", "must start with redis://, rediss:// or unix://")
    if _has_password(s.redis_url):
        raise ConfigError(
            source,
            "redis_url",
            "must not contain a password; put it in the secret store (redis_password_ref)",
        )
    _validate_server_url(s.server_url, source)
    if s.redis_namespace and not REDIS_NAMESPACE.fullmatch(s.redis_namespace):
        raise ConfigError(
            source,
            "redis_namespace",
            "must be 1-40 lower-case letters, digits, '-' or '_', starting with a letter or digit "
            "(or empty, to derive it from the database)",
        )
    _validate_messaging(s, source)
    _validate_kiosk(s, source)
    _validate_server(s, source)
    _validate_google(s, source)
    for key in _REF_FIELDS:
        ref = getattr(s, key)
        if ref:
            try:
                parse_secret_ref(ref)
            except ValueError as exc:
                raise ConfigError(source, key, str(exc)) from None
    if s.database_owner_password_ref and not s.database_owner_url:
        raise ConfigError(
            source,
            "database_owner_password_ref",
            "needs database_owner_url too (without it, the owner connection is database_url)",
        )
    if s.database_pool_size < 1:
        raise ConfigError(source, "database_pool_size", "must be at least 1")
    if s.statement_timeout_s <= 0:
        raise ConfigError(source, "statement_timeout_s", "must be more than 0 seconds")
    if s.live_resync_s <= 0:
        raise ConfigError(source, "live_resync_s", "must be more than 0 seconds")
    if not MIN_SNAPSHOT_AGE_S <= s.door_snapshot_max_age_s <= MAX_SNAPSHOT_AGE_S:
        raise ConfigError(
            source,
            "door_snapshot_max_age_s",
            f"must be from {MIN_SNAPSHOT_AGE_S:.0f} seconds to {MAX_SNAPSHOT_AGE_S:.0f} seconds (3 days)",
        )
    if s.log_level.upper() not in _LOG_LEVELS:
        raise ConfigError(source, "log_level", f"must be one of {', '.join(sorted(_LOG_LEVELS))}")


_RATE_LIMIT = r"\s*\w+=\d+/\d+(\.\d+)?\s*"
_RATE_LIMITS = re.compile(f"{_RATE_LIMIT}(,{_RATE_LIMIT})*")


def _validate_server(s: Settings, source: str) -> None:
    if s.server_cert_sha256 and not _SHA256.fullmatch(re.sub(r"[\s:]", "", s.server_cert_sha256)):
        raise ConfigError(
            source,
            "server_cert_sha256",
            "must be a SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by ':'",
        )
    if (s.server_cert_sha256 or s.server_cert_trust_first) and not s.server_url.startswith("https://"):
        key = "server_cert_sha256" if s.server_cert_sha256 else "server_cert_trust_first"
        raise ConfigError(source, key, "pins the certificate of an https:// server_url; set one")
    if s.server_url and not s.server_url.startswith(("https://", "http://")):
        raise ConfigError(
            source, "server_url", "must start with https:// (or http:// behind a TLS terminator)"
        )
    if _has_password(s.server_url):
        raise ConfigError(source, "server_url", "must not contain a password; devices sign in with their key")
    if not 0 < s.server_port < 65536:
        raise ConfigError(source, "server_port", "must be a TCP port between 1 and 65535")
    if s.server_workers < 0:
        raise ConfigError(source, "server_workers", "must be 0 (one per core) or more")
    if s.server_rate_limits and not _RATE_LIMITS.fullmatch(s.server_rate_limits):
        raise ConfigError(source, "server_rate_limits", "write bucket=count/seconds, comma-separated")
    if s.server_request_timeout_s <= 0:
        raise ConfigError(source, "server_request_timeout_s", "must be more than 0 seconds")
    if not MIN_CALL_DEADLINE_S <= s.server_call_deadline_s <= MAX_CALL_DEADLINE_S:
        raise ConfigError(
            source,
            "server_call_deadline_s",
            f"must be from {MIN_CALL_DEADLINE_S:g} to {MAX_CALL_DEADLINE_S:g} seconds",
        )


def _validate_google(s: Settings, source: str) -> None:
    """Token endpoints and certificates over https, or plain http on this machine (the tests' provider)."""
    for key in ("google_issuer", "google_certs_url"):
        try:
            _validate_server_url(getattr(s, key), source)
        except ConfigError:
            raise ConfigError(source, key, "must be an https:// URL (http:// only on this machine)") from None


def _validate_messaging(s: Settings, source: str) -> None:
    if s.mqtt_url and not s.mqtt_url.startswith(("mqtt://", "mqtts://")):
        raise ConfigError(source, "mqtt_url", "must start with mqtt:// or mqtts://")
    if _has_password(s.mqtt_url):
        raise ConfigError(
            source, "mqtt_url", "must not contain a password; put it in the secret store (mqtt_password_ref)"
        )
    if s.smtp_security not in _SMTP_SECURITY:
        raise ConfigError(source, "smtp_security", f"must be one of {', '.join(_SMTP_SECURITY)}")
    if not 1 <= s.smtp_port <= 65535:
        raise ConfigError(source, "smtp_port", "must be a port number from 1 to 65535")
    if s.smtp_timeout_s <= 0:
        raise ConfigError(source, "smtp_timeout_s", "must be more than 0 seconds")
    # A line break in a header value would let a config value inject headers into every mail.
    for key in ("smtp_host", "smtp_username", "mail_from"):
        if any(ch in getattr(s, key) for ch in "\r\n\0"):
            raise ConfigError(source, key, "must be on one line")
    if s.mail_from and "@" not in s.mail_from:
        raise ConfigError(source, "mail_from", "must be an e-mail address, as in tickets@venue.example")


def _validate_kiosk(s: Settings, source: str) -> None:
    if s.kiosk_mode not in _KIOSK_MODES:
        raise ConfigError(source, "kiosk_mode", f"must be one of {', '.join(_KIOSK_MODES)}")
    if s.payment_terminal not in _PAYMENT_TERMINALS:
        raise ConfigError(source, "payment_terminal", f"must be one of {', '.join(_PAYMENT_TERMINALS)}")
    if s.kiosk_language not in _LANGUAGES:
        raise ConfigError(source, "kiosk_language", f"must be one of {', '.join(_LANGUAGES)}")
    if s.kiosk_idle_timeout_s < MIN_IDLE_TIMEOUT_S:
        raise ConfigError(source, "kiosk_idle_timeout_s", f"must be at least {MIN_IDLE_TIMEOUT_S:g} seconds")
    if s.kiosk_idle_warning_s < MIN_IDLE_WARNING_S:
        raise ConfigError(source, "kiosk_idle_warning_s", f"must be at least {MIN_IDLE_WARNING_S:g} seconds")
    if s.kiosk_idle_warning_s >= s.kiosk_idle_timeout_s:
        raise ConfigError(
            source,
            "kiosk_idle_warning_s",
            f"must be shorter than kiosk_idle_timeout_s ({s.kiosk_idle_timeout_s:g} seconds)",
        )
    if s.health_interval_s < MIN_HEALTH_INTERVAL_S:
        raise ConfigError(source, "health_interval_s", f"must be at least {MIN_HEALTH_INTERVAL_S:g} seconds")
    problem = printer_problem(s.kiosk_printer)
    if problem:
        raise ConfigError(source, "kiosk_printer", problem)
    if s.device_name and (
        s.device_name != s.device_name.strip()
        or len(s.device_name) > DEVICE_NAME_LIMIT
        or has_control_characters(s.device_name)
    ):
        raise ConfigError(
            source,
            "device_name",
            f"must be 1 to {DEVICE_NAME_LIMIT} printable characters without spaces at either end "
            "(or empty, for the kiosk's or door's name and this machine's hostname)",
        )
    if s.door_gate and not _GATE_NAME.fullmatch(s.door_gate):
        raise ConfigError(
            source,
            "door_gate",
            "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit",
        )


def printer_problem(value: str) -> str | None:
    """What is wrong with a kiosk_printer value, or None: '', 'printer:<name>' or 'folder:/absolute/path'."""
    if not value:
        return None
    scheme, sep, target = value.partition(":")
    if any(ch in value for ch in "\r\n\0"):
        return "must be on one line"
    if sep and scheme == "printer" and target.strip():
        return None
    if sep and scheme == "folder" and Path(target).is_absolute():
        return None
    if sep and scheme == "folder":
        return "folder: must name an absolute path, as in folder:/var/spool/encore-tickets"
    return "must be empty (the default printer), printer:<name> or folder:/absolute/path"


def load(path: Path | str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings: defaults, then the TOML file, then ENCORE_* variables.

    ``path`` is --config; else ENCORE_CONFIG; else the user's config dir (silently absent is fine there).
    """
    env = os.environ if env is None else env
    settings = Settings()
    explicit = path if path is not None else env.get("ENCORE_CONFIG")
    file = Path(explicit) if explicit else default_config_path()
    if file.exists():
        try:
            with file.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(file), "(file)", f"is not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(str(file), "(file)", f"cannot be read: {exc.strerror}") from None
        section = data.get("encore", data)
        if not isinstance(section, dict):
            raise ConfigError(str(file), "encore", "must be a table of settings")
        settings = _apply(settings, str(file), section, from_env=False)
    elif explicit:
        raise ConfigError(str(file), "(file)", "does not exist; check the --config path or ENCORE_CONFIG")
    # A variable that an env: reference names holds a secret, not a setting, even when it is called
    # ENCORE_DB_PASSWORD: it must not be refused as an unknown setting.
    refs = [getattr(settings, k) for k in _REF_FIELDS] + [
        env.get(_ENV_PREFIX + k.upper(), "") for k in _REF_FIELDS
    ]
    secret_vars = {ref[len("env:") :] for ref in refs if ref.startswith("env:")}
    overrides = {
        k[len(_ENV_PREFIX) :].lower(): v
        for k, v in env.items()
        if k.startswith(_ENV_PREFIX)
        and k not in {"ENCORE_CONFIG"} | secret_vars
        and not k.startswith("ENCORE_TEST_")
    }
    if overrides:
        settings = _apply(settings, "environment", overrides, from_env=True)
    return settings
