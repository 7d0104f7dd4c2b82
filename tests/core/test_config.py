"""core.config: defaults < TOML file < ENCORE_* environment; every bad input names file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import config
from core.config import Settings, load
from core.domain.errors import ConfigError


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The developer's own ~/.config/encore/encore.toml must not leak into these tests.
    monkeypatch.setattr(config, "default_config_path", lambda: tmp_path / "absent" / "encore.toml")


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "encore.toml"
    path.write_text(body, encoding="utf-8")
    return path


def config_error(path: Path | None, env: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(path, env or {})
    assert info.value.code == "config_invalid"
    return info.value


def test_defaults_without_file_or_environment() -> None:
    settings = load(None, {})
    assert settings == Settings()
    assert settings.is_embedded
    assert settings.resolved_database_url().startswith("sqlite+aiosqlite:///")
    assert settings.log_level == "INFO"


def test_file_overrides_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [encore]
        database_url = "postgresql+asyncpg://encore@db.venue.lan:5432/encore"
        database_pool_size = 4
        statement_timeout_s = 2
        demo_mode = true
        """.replace("        ", ""),
    )
    settings = load(path, {})
    assert settings.database_url == "postgresql+asyncpg://encore@db.venue.lan:5432/encore"
    assert not settings.is_embedded
    assert settings.database_pool_size == 4
    assert settings.statement_timeout_s == 2.0
    assert isinstance(settings.statement_timeout_s, float)
    assert settings.demo_mode is True
    assert settings.redis_url == ""  # untouched keys keep their defaults


def test_top_level_keys_work_without_a_table(tmp_path: Path) -> None:
    assert load(write(tmp_path, "device_id = 7\n"), {}).device_id == 7


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[encore]\ndevice_id = 7\nredis_url = 'redis://file-host:6379/0'\n")
    settings = load(path, {"ENCORE_DEVICE_ID": "9", "ENCORE_LOG_LEVEL": "WARNING"})
    assert settings.device_id == 9
    assert settings.redis_url == "redis://file-host:6379/0"
    assert settings.log_level == "WARNING"


def test_encore_config_variable_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "device_id = 3\n")
    assert load(None, {"ENCORE_CONFIG": str(path)}).device_id == 3


def test_test_variables_are_not_settings() -> None:
    # The test suite's own ENCORE_TEST_* variables must never break the app's configuration.
    assert load(None, {"ENCORE_TEST_DATABASE_URL": "postgresql+asyncpg://x@y/z"}) == Settings()


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on"])
def test_env_true_values(raw: str) -> None:
    assert load(None, {"ENCORE_DEMO_MODE": raw}).demo_mode is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off"])
def test_env_false_values(tmp_path: Path, raw: str) -> None:
    path = write(tmp_path, "demo_mode = true\n")
    assert load(path, {"ENCORE_DEMO_MODE": raw}).demo_mode is False


def test_env_numbers() -> None:
    settings = load(None, {"ENCORE_DATABASE_POOL_SIZE": "3", "ENCORE_LIVE_RESYNC_S": "12.5"})
    assert settings.database_pool_size == 3
    assert settings.live_resync_s == 12.5


def test_log_level_is_normalised() -> None:
    # logging.setLevel("debug") raises; the settings must hold a name logging accepts.
    assert load(None, {"ENCORE_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_missing_explicit_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    error = config_error(missing)
    assert error.file == str(missing)
    assert error.key == "(file)"
    assert "does not exist" in error.problem
    assert str(missing) in str(error)


def test_missing_file_from_encore_config(tmp_path: Path) -> None:
    missing = tmp_path / "gone.toml"
    error = config_error(None, {"ENCORE_CONFIG": str(missing)})
    assert error.file == str(missing)


def test_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "[encore\ndevice_id = 1\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "(file)")
    assert "is not valid TOML" in error.problem
    assert "line 1" in error.problem


def test_unknown_key_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "[encore]\ndatabase_uri = 'sqlite+aiosqlite:///x'\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "database_uri")
    assert "unknown setting" in error.problem
    assert "database_url" in error.problem


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    error = config_error(write(tmp_path, "encore = 3\n"))
    assert error.key == "encore"
    assert "table" in error.problem


@pytest.mark.parametrize(
    ("line", "key", "problem"),
    [
        ("device_id = '7'", "device_id", "must be a whole number, not '7'"),
        ("device_id = 3.5", "device_id", "must be a whole number, not 3.5"),
        ("device_id = true", "device_id", "must be a whole number, not True"),
        ("demo_mode = 'yes'", "demo_mode", "must be true or false, not 'yes'"),
        ("statement_timeout_s = '5'", "statement_timeout_s", "must be a number, not '5'"),
        ("statement_timeout_s = nan", "statement_timeout_s", "must be a number, not nan"),
        ("live_resync_s = inf", "live_resync_s", "must be a number, not inf"),
        ("redis_url = 6379", "redis_url", "must be text in quotes, not 6379"),
    ],
)
def test_wrong_type_in_file(tmp_path: Path, line: str, key: str, problem: str) -> None:
    path = write(tmp_path, line + "\n")
    error = config_error(path)
    assert (error.file, error.key, error.problem) == (str(path), key, problem)


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("database_url = 'mysql://db/encore'", "database_url", "must start with"),
        ("database_url = 'postgresql://u@db/encore'", "database_url", "postgresql+asyncpg://"),
        ("redis_url = 'http://cache:6379'", "redis_url", "must start with redis://"),
        ("database_pool_size = 0", "database_pool_size", "at least 1"),
        ("database_pooler = 'pgpool'", "database_pooler", "or pgbouncer"),
        ("database_pooler = 'pgbouncer'", "database_pooler", "is for PostgreSQL"),
        ("statement_timeout_s = 0", "statement_timeout_s", "more than 0"),
        ("live_resync_s = -1", "live_resync_s", "more than 0"),
        ("server_cert_sha256 = 'AB:CD'", "server_cert_sha256", "64 hex digits"),
        ("server_cert_sha256 = '" + "ab" * 32 + "'", "server_cert_sha256", "https:// server_url"),
        ("server_cert_trust_first = true", "server_cert_trust_first", "https:// server_url"),
        ("door_snapshot_max_age_s = 30", "door_snapshot_max_age_s", "from 60 seconds"),
        ("door_snapshot_max_age_s = 864000", "door_snapshot_max_age_s", "(3 days)"),
        ("log_level = 'LOUD'", "log_level", "must be one of"),
        ("server_call_deadline_s = 0", "server_call_deadline_s", "from 1 to 60 seconds"),
        ("server_call_deadline_s = 600", "server_call_deadline_s", "from 1 to 60 seconds"),
    ],
)
def test_bad_value_in_file(tmp_path: Path, line: str, key: str, words: str) -> None:
    path = write(tmp_path, line + "\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), key)
    assert words in error.problem


def test_password_in_database_url_is_refused_and_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, "database_url = 'postgresql+asyncpg://encore:s3cret@db/encore'\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "database_url")
    assert "secret store" in error.problem
    assert "s3cret" not in str(error)


def test_a_devices_call_deadline_has_a_default_and_can_be_set() -> None:
    assert load(None, {}).server_call_deadline_s == 8.0
    assert load(None, {"ENCORE_SERVER_CALL_DEADLINE_S": "4.5"}).server_call_deadline_s == 4.5


def test_a_fingerprint_in_openssls_form_is_accepted() -> None:
    shown = ":".join(["AB"] * 32)  # openssl x509 -fingerprint -sha256 prints it so
    env = {"ENCORE_SERVER_URL": "https://encore.venue.example:8443", "ENCORE_SERVER_CERT_SHA256": shown}
    assert load(None, env).server_cert_sha256 == shown


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://encore@db:5432/encore",
        "postgresql+asyncpg://db:5432/encore?application_name=door@gate-2",
        "postgresql+asyncpg://encore@/encore?host=/run/postgresql",
    ],
)
def test_urls_without_password_are_accepted(url: str) -> None:
    assert load(None, {"ENCORE_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(
    ("env", "key", "problem"),
    [
        ({"ENCORE_DEMO_MODE": "maybe"}, "demo_mode", "must be true or false, not 'maybe'"),
        ({"ENCORE_DEVICE_ID": "seven"}, "device_id", "must be a whole number, not 'seven'"),
        ({"ENCORE_LIVE_RESYNC_S": "soon"}, "live_resync_s", "must be a number, not 'soon'"),
        ({"ENCORE_STATEMENT_TIMEOUT_S": "nan"}, "statement_timeout_s", "must be a number, not 'nan'"),
    ],
)
def test_bad_environment_values(env: dict[str, str], key: str, problem: str) -> None:
    error = config_error(None, env)
    assert (error.file, error.key, error.problem) == ("environment", key, problem)


def test_unknown_environment_variable() -> None:
    error = config_error(None, {"ENCORE_DATABSE_URL": "sqlite+aiosqlite:///x"})
    assert (error.file, error.key) == ("environment", "databse_url")
    assert "unknown setting" in error.problem


def test_bad_environment_value_wins_over_good_file(tmp_path: Path) -> None:
    path = write(tmp_path, "redis_url = 'redis://cache:6379/0'\n")
    error = config_error(path, {"ENCORE_REDIS_URL": "cache:6379"})
    assert (error.file, error.key) == ("environment", "redis_url")


@pytest.mark.parametrize(
    "url",
    [
        "redis://:s3cret@cache:6379/0",
        "redis://encore:s3cret@cache:6379/0",
        "rediss://encore:s3cret@cache:6380/0",
        "unix://:s3cret@/run/redis/redis.sock?db=0",
        "redis://cache:6379/0?password=s3cret",
    ],
)
def test_password_in_redis_url_is_refused_and_not_echoed(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, f"redis_url = '{url}'\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "redis_url")
    assert "must not contain a password" in error.problem
    assert "redis_password_ref" in error.problem
    assert "s3cret" not in str(error)


def test_password_in_database_url_query_is_refused() -> None:
    error = config_error(
        None, {"ENCORE_DATABASE_URL": "postgresql+asyncpg://encore@db/encore?password=s3cret"}
    )
    assert (error.file, error.key) == ("environment", "database_url")
    assert "s3cret" not in str(error)


@pytest.mark.parametrize(
    "url",
    [
        "redis://cache:6379/0",
        "redis://encore@cache:6379/0",
        "unix:///run/redis/redis.sock?db=0",
        "redis://cache:6379/0?client_name=door@gate-2",
    ],
)
def test_redis_urls_without_password_are_accepted(url: str) -> None:
    assert load(None, {"ENCORE_REDIS_URL": url}).redis_url == url


@pytest.mark.parametrize("namespace", ["Venue", "venue:a", "venue*", "-venue", "a" * 41, "caf\u00e9"])
def test_bad_redis_namespace_is_refused(namespace: str) -> None:
    # It goes into Redis ACL patterns (~encore:<ns>:*): a glob character or a colon would widen them.
    error = config_error(None, {"ENCORE_REDIS_NAMESPACE": namespace})
    assert (error.code, error.file, error.key) == ("config_invalid", "environment", "redis_namespace")
    assert "lower-case letters, digits" in error.problem


@pytest.mark.parametrize("namespace", ["", "venue-a", "berlin_hall_2", "0a1b2c3d4e5f"])
def test_good_redis_namespaces(namespace: str) -> None:
    assert load(None, {"ENCORE_REDIS_NAMESPACE": namespace}).redis_namespace == namespace


@pytest.mark.parametrize("key", config._REF_FIELDS)
@pytest.mark.parametrize(
    "ref",
    [
        "env:ENCORE_DB_PASSWORD",
        "file:/etc/encore/db-password",
        "file:~/.config/encore/db-password",
        "keyring:encore/db",
        "keyring:encore/venue-1/redis",
    ],
)
def test_secret_references_are_accepted(tmp_path: Path, key: str, ref: str) -> None:
    # The owner's password belongs to the owner's connection; alone it is refused (see below).
    owner = "database_owner_url = 'postgresql+asyncpg://owner@db/encore'\n"
    settings = load(
        write(tmp_path, f"{key} = '{ref}'\n" + (owner if key == "database_owner_password_ref" else "")), {}
    )
    assert getattr(settings, key) == ref


@pytest.mark.parametrize(
    ("lines", "key", "words"),
    [
        (
            "database_owner_password_ref = 'env:OWNER_PW'",
            "database_owner_password_ref",
            "needs database_owner_url",
        ),
        (
            "database_owner_url = 'postgresql+asyncpg://o:s3cret@db/e'",
            "database_owner_url",
            "must not contain a",
        ),
        ("database_owner_url = 'mysql://db/e'", "database_owner_url", "must start with sqlite+aiosqlite://"),
        ("database_server_role = 'Encore-Server'", "database_server_role", "lower-case letters, digits or _"),
        ("database_reporting_role = ''", "database_reporting_role", "1 to 63"),
        ("database_reporting_role = 'encore_server'", "database_reporting_role", "must differ"),
    ],
)
def test_bad_database_role_settings(tmp_path: Path, lines: str, key: str, words: str) -> None:
    error = config_error(write(tmp_path, lines + "\n"))
    assert error.key == key
    assert words in error.problem
    assert "s3cret" not in str(error)


def test_the_owner_connection_defaults_to_database_url() -> None:
    from core.config import Settings

    plain = Settings(database_url="postgresql+asyncpg://encore_server@db/e", database_password_ref="env:PW")
    assert plain.owner_database() == ("postgresql+asyncpg://encore_server@db/e", "env:PW")
    split = Settings(
        database_url="postgresql+asyncpg://encore_server@db/e",
        database_owner_url="postgresql+asyncpg://owner@db/e",
        database_owner_password_ref="env:OWNER_PW",
    )
    assert split.owner_database() == ("postgresql+asyncpg://owner@db/e", "env:OWNER_PW")


@pytest.mark.parametrize("key", config._REF_FIELDS)
@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("s3cret", "must be a secret reference"),
        ("vault:s3cret", "must be a secret reference"),
        ("ENV:s3cret", "must be a secret reference"),
        ("env:", "must name an environment variable"),
        ("env:MY-s3cret", "must name an environment variable"),
        ("file:s3cret/db", "absolute path"),
        ("keyring:s3cret", "a service and a user name"),
        ("keyring:s3cret/", "a service and a user name"),
    ],
)
def test_bad_secret_reference_in_file(tmp_path: Path, key: str, ref: str, words: str) -> None:
    path = write(tmp_path, f"{key} = '{ref}'\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), key)
    assert words in error.problem
    assert "s3cret" not in str(error)  # it might be the password typed in the wrong place


def test_bad_secret_reference_in_environment() -> None:
    error = config_error(None, {"ENCORE_REDIS_PASSWORD_REF": "s3cret"})
    assert (error.file, error.key) == ("environment", "redis_password_ref")
    assert "env:NAME, file:/absolute/path or keyring:service/username" in error.problem
    assert "s3cret" not in str(error)


def test_secret_reference_that_is_not_text_is_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, "database_password_ref = 271828\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "database_password_ref")
    assert "271828" not in str(error)


@pytest.mark.parametrize("ref_from", ["file", "environment"])
def test_variable_named_by_an_env_reference_is_not_a_setting(tmp_path: Path, ref_from: str) -> None:
    # ENCORE_DB_PASSWORD looks like a setting by its prefix; it is the secret an env: reference points at.
    env = {"ENCORE_DB_PASSWORD": "s3cret"}
    path = None
    if ref_from == "file":
        path = write(tmp_path, "database_password_ref = 'env:ENCORE_DB_PASSWORD'\n")
    else:
        env["ENCORE_DATABASE_PASSWORD_REF"] = "env:ENCORE_DB_PASSWORD"
    settings = load(path, env)
    assert settings.database_password_ref == "env:ENCORE_DB_PASSWORD"
    assert "s3cret" not in repr(settings)


def test_settings_hold_no_secret_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # What show-config prints is every field of Settings: only references, never the values behind them.
    monkeypatch.setenv("ENCORE_TEST_SECRET_IN_CONFIG", "s3cret")
    settings = load(
        None,
        {
            "ENCORE_DATABASE_URL": "postgresql+asyncpg://encore@db/encore",
            "ENCORE_DATABASE_PASSWORD_REF": "env:ENCORE_TEST_SECRET_IN_CONFIG",
            "ENCORE_REDIS_URL": "redis://cache:6379/0",
            "ENCORE_REDIS_PASSWORD_REF": "keyring:encore/redis",
        },
    )
    assert "s3cret" not in repr(settings)
    assert {f for f in config._FIELDS if "password" in f or "secret" in f} == {
        "database_password_ref",
        "database_owner_password_ref",
        "database_server_password_ref",
        "database_reporting_password_ref",
        "redis_password_ref",
        "mqtt_password_ref",
        "smtp_password_ref",
        "google_client_secret_ref",
        "offsite_secret_key_ref",
    }


@pytest.mark.parametrize("key", ["google_issuer", "google_certs_url"])
def test_google_endpoints_must_be_https_or_on_this_machine(key: str) -> None:
    with pytest.raises(config.ConfigError) as bad:
        load(None, {f"ENCORE_{key.upper()}": "http://accounts.example.org"})
    assert bad.value.key == key
    assert (
        getattr(load(None, {f"ENCORE_{key.upper()}": "http://127.0.0.1:8080"}), key)
        == "http://127.0.0.1:8080"
    )


def test_mail_and_mqtt_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        smtp_host = "mail.venue.example"
        smtp_port = 465
        smtp_security = "tls"
        smtp_username = "box-office"
        smtp_password_ref = "keyring:encore/smtp"
        mail_from = "Encore Box Office <tickets@venue.example>"
        mqtt_url = "mqtts://gates@broker.venue.lan:8883"
        mqtt_password_ref = "file:/etc/encore/mqtt-password"
        """.replace("        ", ""),
    )
    settings = load(path, {"ENCORE_GATE_OPEN_ENABLED": "yes", "ENCORE_SMTP_TIMEOUT_S": "4.5"})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == (
        "mail.venue.example",
        465,
        "tls",
    )
    assert settings.smtp_password_ref == "keyring:encore/smtp"
    assert settings.mqtt_url == "mqtts://gates@broker.venue.lan:8883"
    assert settings.gate_open_enabled is True
    assert settings.smtp_timeout_s == 4.5
    defaults = Settings()
    assert (defaults.smtp_host, defaults.smtp_security, defaults.gate_open_enabled) == ("", "starttls", False)


@pytest.mark.parametrize(
    ("env", "key", "words"),
    [
        ({"ENCORE_SMTP_SECURITY": "ssl"}, "smtp_security", "must be one of starttls, tls, none"),
        ({"ENCORE_SMTP_PORT": "0"}, "smtp_port", "from 1 to 65535"),
        ({"ENCORE_SMTP_PORT": "70000"}, "smtp_port", "from 1 to 65535"),
        ({"ENCORE_SMTP_TIMEOUT_S": "0"}, "smtp_timeout_s", "more than 0"),
        ({"ENCORE_MAIL_FROM": "tickets@venue.example\r\nBcc: all@example.org"}, "mail_from", "one line"),
        ({"ENCORE_SMTP_USERNAME": "box\noffice"}, "smtp_username", "one line"),
        ({"ENCORE_MAIL_FROM": "box office"}, "mail_from", "e-mail address"),
        ({"ENCORE_MQTT_URL": "http://broker:1883"}, "mqtt_url", "mqtt:// or mqtts://"),
        ({"ENCORE_MQTT_URL": "mqtt://gates:s3cret@broker:1883"}, "mqtt_url", "mqtt_password_ref"),
    ],
)
def test_bad_mail_and_mqtt_settings(env: dict[str, str], key: str, words: str) -> None:
    error = config_error(None, env)
    assert (error.file, error.key) == ("environment", key)
    assert words in error.problem
    assert "s3cret" not in str(error)


def test_kiosk_settings_defaults_and_file(tmp_path: Path) -> None:
    defaults = Settings()
    assert (defaults.kiosk_mode, defaults.payment_terminal, defaults.kiosk_language) == (
        "sales",
        "auto",
        "en",
    )
    assert (defaults.kiosk_idle_timeout_s, defaults.kiosk_idle_warning_s) == (60.0, 20.0)
    assert (defaults.kiosk_printer, defaults.kiosk_lockdown, defaults.device_key_ref) == ("", True, "")
    assert (defaults.health_interval_s, defaults.door_gate) == (60.0, "")
    path = write(
        tmp_path,
        """
        [encore]
        kiosk_mode = "door"
        payment_terminal = "attended"
        kiosk_idle_timeout_s = 90
        kiosk_idle_warning_s = 30
        kiosk_printer = "folder:/var/spool/encore-tickets"
        kiosk_lockdown = false
        kiosk_language = "de"
        device_key_ref = "file:/etc/encore/door.key"
        health_interval_s = 15
        door_gate = "north-1"
        """.replace("        ", ""),
    )
    settings = load(
        path, {"ENCORE_KIOSK_PRINTER": "printer:Foyer Epson TM-T88", "ENCORE_KIOSK_LANGUAGE": "es"}
    )
    assert (settings.kiosk_mode, settings.payment_terminal) == ("door", "attended")
    assert (settings.kiosk_idle_timeout_s, settings.kiosk_idle_warning_s) == (90.0, 30.0)
    assert settings.kiosk_printer == "printer:Foyer Epson TM-T88"
    assert (settings.kiosk_lockdown, settings.kiosk_language) == (False, "es")
    assert settings.device_key_ref == "file:/etc/encore/door.key"
    assert (settings.health_interval_s, settings.door_gate) == (15.0, "north-1")


@pytest.mark.parametrize(
    ("env", "key", "words"),
    [
        ({"ENCORE_KIOSK_MODE": "sale"}, "kiosk_mode", "must be one of sales, door"),
        ({"ENCORE_PAYMENT_TERMINAL": "card"}, "payment_terminal", "must be one of auto, attended, demo"),
        ({"ENCORE_KIOSK_LANGUAGE": "fr"}, "kiosk_language", "must be one of en, de, es"),
        ({"ENCORE_KIOSK_IDLE_TIMEOUT_S": "9.5"}, "kiosk_idle_timeout_s", "at least 10 seconds"),
        ({"ENCORE_KIOSK_IDLE_WARNING_S": "4"}, "kiosk_idle_warning_s", "at least 5 seconds"),
        ({"ENCORE_KIOSK_IDLE_WARNING_S": "60"}, "kiosk_idle_warning_s", "shorter than kiosk_idle_timeout_s"),
        (
            {"ENCORE_KIOSK_IDLE_TIMEOUT_S": "15", "ENCORE_KIOSK_IDLE_WARNING_S": "15"},
            "kiosk_idle_warning_s",
            "shorter than kiosk_idle_timeout_s (15 seconds)",
        ),
        ({"ENCORE_KIOSK_IDLE_TIMEOUT_S": "nan"}, "kiosk_idle_timeout_s", "must be a number"),
        ({"ENCORE_HEALTH_INTERVAL_S": "4.9"}, "health_interval_s", "at least 5 seconds"),
        ({"ENCORE_KIOSK_PRINTER": "Foyer Epson"}, "kiosk_printer", "printer:<name> or folder:/absolute/path"),
        ({"ENCORE_KIOSK_PRINTER": "printer:"}, "kiosk_printer", "printer:<name>"),
        ({"ENCORE_KIOSK_PRINTER": "printer:  "}, "kiosk_printer", "printer:<name>"),
        ({"ENCORE_KIOSK_PRINTER": "folder:tickets"}, "kiosk_printer", "absolute path"),
        ({"ENCORE_KIOSK_PRINTER": "printer:a\nb"}, "kiosk_printer", "one line"),
        ({"ENCORE_KIOSK_PRINTER": "cups:Foyer"}, "kiosk_printer", "must be empty (the default printer)"),
        ({"ENCORE_KIOSK_LOCKDOWN": "maybe"}, "kiosk_lockdown", "true or false"),
        ({"ENCORE_DEVICE_NAME": "x" * 101}, "device_name", "1 to 100 printable characters"),
        ({"ENCORE_DEVICE_NAME": "Foyer\tkiosk\u200b"}, "device_name", "printable characters"),
        ({"ENCORE_DEVICE_NAME": " Foyer"}, "device_name", "without spaces at either end"),
        ({"ENCORE_DOOR_GATE": "north/1"}, "door_gate", "letters, digits"),
        ({"ENCORE_DOOR_GATE": "#"}, "door_gate", "letters, digits"),
        ({"ENCORE_DEVICE_KEY_REF": "3q2+7w=="}, "device_key_ref", "the value is not shown"),
    ],
)
def test_bad_kiosk_settings(env: dict[str, str], key: str, words: str) -> None:
    error = config_error(None, env)
    assert (error.file, error.key) == ("environment", key)
    assert words in error.problem
    assert "3q2+7w==" not in str(error)


def test_kiosk_settings_in_file_name_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "kiosk_idle_timeout_s = 30\nkiosk_idle_warning_s = 45\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "kiosk_idle_warning_s")
    path = write(tmp_path, "device_key_ref = 12345\n")
    error = config_error(path)
    assert (error.file, error.key) == (str(path), "device_key_ref")
    assert "12345" not in str(error)


def test_variable_named_by_the_device_key_ref_is_not_a_setting() -> None:
    # The variable holds the private key: it is not refused as an unknown ENCORE_* setting.
    env = {"ENCORE_DEVICE_KEY_REF": "env:ENCORE_KIOSK_KEY", "ENCORE_KIOSK_KEY": "c2VjcmV0"}
    assert load(None, env).device_key_ref == "env:ENCORE_KIOSK_KEY"


@pytest.mark.parametrize(
    "url", ["https://encore.venue.example", "https://10.0.0.5:8443/encore", "http://127.0.0.1:8000"]
)
def test_server_urls_that_are_accepted(url: str) -> None:
    assert load(None, {"ENCORE_SERVER_URL": url}).server_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://encore.venue.example",  # a PIN would cross the venue's network in clear
        "ftp://encore.venue.example",
        "https://",
        "https://kiosk:secret@encore.venue.example",
        "https://encore.venue.example/?token=x",
        "encore.venue.example",
    ],
)
def test_server_urls_that_are_refused(url: str) -> None:
    error = config_error(None, {"ENCORE_SERVER_URL": url})
    assert (error.file, error.key) == ("environment", "server_url")
    assert "secret" not in error.message


def test_the_enrolment_name_is_the_device_name_or_the_kind_and_hostname(monkeypatch) -> None:
    assert config.enrolment_name(Settings(device_name="Foyer kiosk 3"), "Kiosk") == "Foyer kiosk 3"
    monkeypatch.setattr(config.socket, "gethostname", lambda: "foyer-pc-3")
    assert config.enrolment_name(Settings(), "Kiosk") == "Kiosk foyer-pc-3"
    assert config.enrolment_name(Settings(), "Door station") == "Door station foyer-pc-3"
    monkeypatch.setattr(config.socket, "gethostname", lambda: "h" * 300)
    long = config.enrolment_name(Settings(), "Door station")
    assert (len(long), long[:14]) == (config.DEVICE_NAME_LIMIT, "Door station h")
    monkeypatch.setattr(config.socket, "gethostname", lambda: "")
    assert config.enrolment_name(Settings(), "Kiosk") == "Kiosk"
