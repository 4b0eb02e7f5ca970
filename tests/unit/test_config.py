"""Settings: defaults < TOML file < CLARION_* environment < flags; anything unknown is an error."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from clarion.config import ConfigError, Settings, load


def toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clarion.toml"
    path.write_text(text)
    return path


# --- layering -------------------------------------------------------------------------------


def test_defaults_without_file_environment_or_flags() -> None:
    settings = load(environ={})
    assert settings == Settings()
    assert settings.listen == "127.0.0.1:50051"
    assert settings.http_listen == "127.0.0.1:8080"
    assert settings.gateway is True
    assert settings.role == "all"
    assert settings.data_dir == Path(".clarion")
    assert settings.database_url == ""
    assert settings.auth_cache_seconds == 5.0


def test_file_values_are_read_and_typed(tmp_path: Path) -> None:
    path = toml(
        tmp_path,
        """
        data_dir = "/srv/clarion"
        database_url = "postgresql+psycopg://u:p@db/clarion"
        listen = "0.0.0.0:6000"
        gateway = false
        role = "api"
        log_format = "json"
        auth_cache_seconds = 2
        db_pool_size = 4
        """,
    )
    settings = load(file=path, environ={})
    assert settings.data_dir == Path("/srv/clarion")
    assert settings.database_url == "postgresql+psycopg://u:p@db/clarion"
    assert settings.listen == "0.0.0.0:6000"
    assert settings.gateway is False
    assert settings.role == "api"
    assert settings.log_format == "json"
    assert settings.auth_cache_seconds == 2.0 and isinstance(settings.auth_cache_seconds, float)
    assert settings.db_pool_size == 4
    assert settings.http_listen == Settings().http_listen  # untouched keys keep defaults


def test_clarion_config_names_the_file(tmp_path: Path) -> None:
    path = toml(tmp_path, 'role = "api"\n')
    assert load(environ={"CLARION_CONFIG": str(path)}).role == "api"


def test_an_explicit_file_wins_over_clarion_config(tmp_path: Path) -> None:
    named = toml(tmp_path, 'role = "api"\n')
    other = tmp_path / "other.toml"
    other.write_text('role = "dispatcher"\n')
    assert load(file=named, environ={"CLARION_CONFIG": str(other)}).role == "api"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = toml(tmp_path, 'listen = "127.0.0.1:6000"\nrole = "api"\n')
    settings = load(file=path, environ={"CLARION_LISTEN": "127.0.0.1:7000"})
    assert settings.listen == "127.0.0.1:7000"
    assert settings.role == "api"


def test_flags_override_the_environment_and_unset_flags_do_not(tmp_path: Path) -> None:
    path = toml(tmp_path, 'listen = "127.0.0.1:6000"\n')
    environ = {"CLARION_LISTEN": "127.0.0.1:7000", "CLARION_ROLE": "api"}
    settings = load(
        file=path, environ=environ, overrides={"listen": "127.0.0.1:8000", "role": None}
    )
    assert settings.listen == "127.0.0.1:8000"
    assert settings.role == "api"


def test_flags_are_typed_like_the_rest() -> None:
    settings = load(environ={}, overrides={"gateway": False, "data_dir": "/tmp/c"})
    assert settings.gateway is False
    assert settings.data_dir == Path("/tmp/c")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(text, True) for text in ("1", "true", "Yes", "on")],
        *[(text, False) for text in ("0", "false", "NO", "off")],
    ],
)
def test_boolean_spellings_from_the_environment(value: str, expected: bool) -> None:
    assert load(environ={"CLARION_GATEWAY": value}).gateway is expected


# --- unknown keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['listne = "127.0.0.1:1"\n', "[server]\nlisten = '127.0.0.1:1'\n"],
    ids=["typo", "table"],
)
def test_an_unknown_file_key_is_an_error(tmp_path: Path, text: str) -> None:
    path = toml(tmp_path, text)
    with pytest.raises(ConfigError, match="unknown key") as caught:
        load(file=path, environ={})
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "text", [None, "listen = \n", "gateway = yes\n"], ids=["missing", "no-value", "bare-word"]
)
def test_an_unreadable_file_is_an_error(tmp_path: Path, text: str | None) -> None:
    path = tmp_path / "clarion.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError, match="cannot read the configuration file"):
        load(file=path, environ={})


@pytest.mark.parametrize("name", ["CLARION_BOGUS", "CLARION_LISTEN_ADDRESS", "CLARION_"])
def test_an_unknown_environment_variable_is_an_error(name: str) -> None:
    with pytest.raises(ConfigError, match=f"unknown environment variable {name}"):
        load(environ={name: "1"})


@pytest.mark.parametrize(
    "name",
    [
        "CLARION_TEST_POSTGRES_URL",
        "CLARION_TEST_ANYTHING",
        "CLARION_MASTER_KEY",
        "CLARION_API_KEY",
        "CLARION_SERVER",
        "CLARIONX",
        "PATH",
    ],
)
def test_variables_that_are_not_settings_are_left_alone(name: str) -> None:
    assert load(environ={name: "whatever"}) == Settings()


def test_an_unknown_flag_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown setting 'bogus'"):
        load(environ={}, overrides={"bogus": "1"})


# --- types and ranges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLARION_DB_POOL_SIZE", "ten"),
        ("CLARION_DB_POOL_SIZE", "1.5"),
        ("CLARION_DB_POOL_SIZE", "0"),
        ("CLARION_GATEWAY", "maybe"),
        ("CLARION_GATEWAY", ""),
        ("CLARION_AUTH_CACHE_SECONDS", "soon"),
        ("CLARION_AUTH_CACHE_SECONDS", "-1"),
        ("CLARION_AUTH_CACHE_SECONDS", "nan"),
        ("CLARION_SHUTDOWN_GRACE_SECONDS", "-0.5"),
        ("CLARION_SHUTDOWN_GRACE_SECONDS", "inf"),
        ("CLARION_ROLE", "worker"),
        ("CLARION_LOG_FORMAT", "xml"),
        ("CLARION_LOG_LEVEL", "loud"),
        ("CLARION_LISTEN", "localhost"),
        ("CLARION_LISTEN", ":50051"),
        ("CLARION_LISTEN", "127.0.0.1:99999"),
        ("CLARION_HTTP_LISTEN", "127.0.0.1:http"),
    ],
)
def test_bad_environment_values_are_errors_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(environ={name: value})
    setting = name.removeprefix("CLARION_").lower()
    assert setting in str(caught.value).lower()


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("db_pool_size = 1.5", "db_pool_size"),
        ("db_pool_size = true", "db_pool_size"),
        ("db_pool_size = -3", "db_pool_size"),
        ("listen = 50051", "listen"),
        ('gateway = "maybe"', "gateway"),
        ("auth_cache_seconds = -2", "auth_cache_seconds"),
        ("auth_cache_seconds = nan", "auth_cache_seconds"),
        ("shutdown_grace_seconds = inf", "shutdown_grace_seconds"),
        ("auth_cache_seconds = false", "auth_cache_seconds"),
        ("dispatch_linger_seconds = -0.5", "dispatch_linger_seconds"),
        ("data_dir = 5", "data_dir"),
        ('role = "both"', "role"),
        ("database_url = []", "database_url"),
    ],
)
def test_bad_file_values_are_errors_naming_the_setting(
    tmp_path: Path, line: str, setting: str
) -> None:
    with pytest.raises(ConfigError, match=setting):
        load(file=toml(tmp_path, line + "\n"), environ={})


@pytest.mark.parametrize(
    "overrides",
    [{"db_pool_size": "many"}, {"role": "worker"}, {"listen": "nowhere"}],
    ids=["pool", "role", "listen"],
)
def test_bad_flag_values_are_errors(overrides: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=next(iter(overrides))):
        load(environ={}, overrides=overrides)


# --- derived paths --------------------------------------------------------------------------


def test_database_defaults_to_sqlite_in_the_data_dir() -> None:
    settings = load(environ={"CLARION_DATA_DIR": "/var/lib/clarion"})
    assert settings.effective_database_url == "sqlite+aiosqlite:////var/lib/clarion/clarion.db"


def test_an_explicit_database_url_is_used_as_given() -> None:
    url = "postgresql+psycopg://clarion@db/clarion"
    assert load(environ={"CLARION_DATABASE_URL": url}).effective_database_url == url


def test_secret_files_default_to_the_data_dir_unless_named() -> None:
    settings = Settings(data_dir=Path("/d"))
    assert settings.master_key_path == Path("/d/master.key")
    assert settings.admin_key_path == Path("/d/admin.key")
    named = dataclasses.replace(settings, master_key_file="/k/m", admin_key_file="/k/a")
    assert (named.master_key_path, named.admin_key_path) == (Path("/k/m"), Path("/k/a"))


def test_settings_are_frozen() -> None:
    settings = load(environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.listen = "0.0.0.0:1"  # type: ignore[misc]
