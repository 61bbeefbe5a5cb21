"""The service's settings: TOML file < SAKSI_* environment < flags, every value checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksi.ledger.config import (
    SETTINGS,
    ConfigError,
    PhotoQuota,
    RateLimit,
    ServiceConfig,
    env_name,
    load_config,
    redact_url,
)

MIB = 1024 * 1024


def write(tmp_path: Path, text: str, name: str = "saksi.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_documented_ones() -> None:
    config = load_config(None, {}, {"data": "/srv/saksi"})
    assert config == ServiceConfig(data=Path("/srv/saksi"))
    assert config.data == Path("/srv/saksi")
    assert config.log_dir == Path("/srv/saksi/log")
    assert config.db is None
    assert (config.host, config.port) == ("127.0.0.1", 8080)
    assert config.manifest is None and config.regions is None
    assert (config.scale, config.seed) == (None, None)  # not given
    assert config.synthetic == (0.005, 2024)
    assert config.max_entry_bytes == 65536
    assert config.max_batch_entries == 1000
    assert config.max_batch_bytes == 8 * MIB
    assert config.max_photo_bytes == 10 * MIB
    assert config.integrate_interval == 0.5
    assert config.request_timeout == 30.0
    assert config.replay_verify is True
    assert config.rate_per_key.enabled and config.rate_per_address.enabled
    assert config.photo_stage_ttl == 6 * 3600
    assert config.photo_quota_per_key == PhotoQuota(32, 256 * MIB)
    assert config.photo_quota_total == PhotoQuota(100_000, 16 * 1024 * MIB)
    assert config.photo_disk_reserve == 1024 * MIB
    assert config.photo_dir == Path("/srv/saksi/photos")


def test_each_source_overrides_the_one_before(tmp_path: Path) -> None:
    file = write(tmp_path, 'data = "/from/file"\nport = 1001\nhost = "10.0.0.1"\nseed = 7\n')
    env = {"SAKSI_PORT": "1002", "SAKSI_SEED": "8", "HOME": "/root"}
    config = load_config(file, env, {"port": 1003, "host": None})
    assert config.port == 1003  # flag beats environment and file
    assert config.seed == 8  # environment beats file
    assert config.host == "10.0.0.1"  # a flag that is None was not given
    assert config.data == Path("/from/file")
    assert load_config(file, env, {}).port == 1002
    assert load_config(file, {}, {}).port == 1001


def test_relative_paths_in_the_file_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    file = write(tmp_path / "etc", 'data = "data"\nmanifest = "../m.json"\nregions = "/abs/r.json"')
    config = load_config(file, {"SAKSI_REGIONS": "rel/r.json"}, {})
    assert config.data == tmp_path / "etc" / "data"
    assert config.manifest == tmp_path / "etc" / ".." / "m.json"
    assert config.regions == Path("rel/r.json")  # from the environment: as given


def test_sizes_durations_rates_and_switches_in_their_spellings(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        'data = "d"\nmax_batch_bytes = "16MiB"\nmax_photo_bytes = 2097152\n'
        "rate_per_key = [2.5, 10]\nrate_per_address = { rate = 0, burst = 0 }\n"
        'integrate_interval = "250ms"\nrequest_timeout = 5\nreplay_verify = false\n',
    )
    config = load_config(file, {"SAKSI_MAX_ENTRY_BYTES": "32k"}, {})
    assert config.max_batch_bytes == 16 * MIB
    assert config.max_photo_bytes == 2 * MIB
    assert config.max_entry_bytes == 32 * 1024
    assert config.rate_per_key == RateLimit(2.5, 10)
    assert config.rate_per_key.per_second == 2.5
    assert not config.rate_per_address.enabled
    assert config.integrate_interval == 0.25
    assert config.request_timeout == 5.0
    assert config.replay_verify is False
    env = {"SAKSI_DATA": "d", "SAKSI_RATE_PER_KEY": "3,9", "SAKSI_REPLAY_VERIFY": "yes"}
    env |= {"SAKSI_REQUEST_TIMEOUT": "30s", "SAKSI_SCALE": "0.01"}
    config = load_config(None, env, {})
    assert config.rate_per_key == RateLimit(3.0, 9)
    assert config.replay_verify is True
    assert config.request_timeout == 30.0
    assert config.scale == 0.01


def test_photo_settings_in_their_spellings(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        'data = "d"\nphoto_stage_ttl = "15min"\nphoto_quota_per_key = [4, "8MiB"]\n'
        'photo_quota_total = { count = 10, bytes = "1GiB" }\nphoto_disk_reserve = "0"\n',
    )
    config = load_config(file, {}, {})
    assert config.photo_stage_ttl == 900
    assert config.photo_quota_per_key == PhotoQuota(4, 8 * MIB)
    assert str(config.photo_quota_per_key) == f"4,{8 * MIB}"
    assert config.photo_quota_total == PhotoQuota(10, 1024 * MIB)
    assert config.photo_disk_reserve == 0
    env = {"SAKSI_DATA": "d", "SAKSI_PHOTO_STAGE_TTL": "2h", "SAKSI_PHOTO_QUOTA_TOTAL": "5,1k"}
    config = load_config(None, env, {})
    assert config.photo_stage_ttl == 7200
    assert config.photo_quota_total == PhotoQuota(5, 1024)


BAD: list[tuple[str, Any]] = [
    ("port", "http"),
    ("port", "70000"),
    ("port", "-1"),
    ("scale", "0"),
    ("scale", "11"),
    ("scale", "nan"),
    ("seed", "1.5"),
    ("max_entry_bytes", "65537"),
    ("max_entry_bytes", "0"),
    ("max_batch_entries", "0"),
    ("max_batch_bytes", "2GiB"),
    ("max_photo_bytes", "64MiB"),
    ("max_photo_bytes", "ten"),
    ("rate_per_key", "5"),
    ("rate_per_key", "5,0"),
    ("rate_per_key", "-1,5"),
    ("rate_per_address", "a,b"),
    ("integrate_interval", "0"),
    ("integrate_interval", "2h"),
    ("request_timeout", "-3"),
    ("replay_verify", "maybe"),
    ("host", ""),
    ("host", " padded "),
    ("db", "mysql://user:secret@db/saksi"),
    ("data", ""),
    ("photo_stage_ttl", "0"),
    ("photo_stage_ttl", "31d"),
    ("photo_quota_per_key", "32"),
    ("photo_quota_per_key", "0,1MiB"),
    ("photo_quota_total", "10,0"),
    ("photo_quota_total", "ten,1MiB"),
    ("photo_disk_reserve", "-1"),
    ("public_url", "saksi.example"),
    ("public_url", "ftp://saksi.example"),
    ("public_url", "https://user:pw@saksi.example"),
    ("public_url", "https://saksi.example/?q=1"),
    ("public_url", "https://saksi.example/#top"),
    ("public_url", "https://saksi.example/a b"),
    ("public_url", "https://saksi.example/'$(id)'"),
    ("public_url", "https://saksi.example/`id`"),
    ("public_url", "javascript:alert(1)"),
]


@pytest.mark.parametrize(("setting", "value"), BAD)
def test_bad_values_are_refused_naming_the_setting_and_source(setting: str, value: str) -> None:
    env = {"SAKSI_DATA": "/d", env_name(setting): value}
    with pytest.raises(ConfigError) as caught:
        load_config(None, env, {})
    error = caught.value
    assert error.code == "config.invalid"
    assert error.details["setting"] == setting
    assert error.details["source"] == "env"
    assert env_name(setting) in error.message_en and env_name(setting) in error.message_id
    assert "secret" not in str(error.to_dict())


def test_a_bad_flag_and_a_bad_file_value_say_where_they_came_from(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, {}, {"data": "/d", "max_batch_entries": 0})
    assert "--max-batch-entries" in caught.value.message_en
    assert caught.value.details["source"] == "flag"
    file = write(tmp_path, 'data = "/d"\nport = true\n')
    with pytest.raises(ConfigError) as caught:
        load_config(file, {}, {})
    assert str(file) in caught.value.message_en
    assert caught.value.details["source"] == "file"


def test_unknown_settings_are_refused_but_other_saksi_variables_ignored(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, 'data = "/d"\nprot = 80\n'), {}, {})
    assert caught.value.code == "config.unknown-setting"
    assert caught.value.details == {"setting": "prot", "source": "file"}
    with pytest.raises(ConfigError) as caught:
        load_config(None, {}, {"data": "/d", "colour": "red"})
    assert caught.value.code == "config.unknown-setting"
    config = load_config(
        None, {"SAKSI_DATA": "/d", "SAKSI_CONFIG": "x.toml", "SAKSI_PROT": "1"}, {}
    )
    assert config.port == 8080


def test_the_public_url_is_kept_without_its_trailing_slash() -> None:
    assert load_config(None, {"SAKSI_DATA": "/d"}).public_url is None
    for text, kept in (
        ("https://saksi.example/", "https://saksi.example"),
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
        ("https://example.org/pemilu-2024/", "https://example.org/pemilu-2024"),
    ):
        assert load_config(None, {"SAKSI_DATA": "/d", "SAKSI_PUBLIC_URL": text}).public_url == kept
        assert load_config(None, {}, {"data": "/d", "public_url": text}).public_url == kept


def test_the_data_directory_is_required() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, {}, {"port": 1})
    assert caught.value.code == "config.missing-data"
    assert "--data" in caught.value.message_en and "--data" in caught.value.message_id


def test_a_file_that_is_not_toml_or_not_there(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "data = \n"), {}, {})
    assert caught.value.code == "config.file-malformed"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "x", "bin.toml").with_name("absent.toml"), {}, {})
    assert caught.value.code == "config.file-unreadable"
    (tmp_path / "latin1.toml").write_bytes(b'data = "\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "latin1.toml", {}, {})
    assert caught.value.code == "config.file-malformed"


def test_the_database_password_never_shows() -> None:
    url = "postgresql://saksi:hunter2@db.internal:5432/saksi"
    config = load_config(None, {"SAKSI_DATA": "/d", "SAKSI_DB": url}, {})
    assert config.db == url
    assert "hunter2" not in repr(config)
    assert config.describe()["db"] == "postgresql://saksi:***@db.internal:5432/saksi"
    assert redact_url("postgresql://host/db") == "postgresql://host/db"


def test_direct_construction_is_checked_too() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(data=Path("/d"), port=70000)
    assert caught.value.details["source"] == "argument"
    assert ServiceConfig(data=Path("/d"), port="81").port == 81  # type: ignore[arg-type]
    changed = ServiceConfig(data=Path("/d")).with_(integrate_interval="100ms")
    assert changed.integrate_interval == 0.1


def test_every_setting_has_an_environment_variable_and_a_default_but_data() -> None:
    assert SETTINGS[0] == "data"
    fields = ServiceConfig.__dataclass_fields__
    assert set(SETTINGS) == set(fields)
    for name in SETTINGS:
        assert env_name(name) == "SAKSI_" + name.upper()


def test_every_setting_has_a_row_in_the_table_of_service_md() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text("utf-8")
    missing = [name for name in SETTINGS if f"| `{name}` | `{env_name(name)}` |" not in doc]
    assert not missing, f"settings missing from docs/service.md: {missing}"


@given(port=st.integers(0, 65535), kib=st.integers(1, 64))
def test_text_and_numbers_give_the_same_config(port: int, kib: int) -> None:
    by_text = load_config(
        None, {"SAKSI_DATA": "/d", "SAKSI_PORT": f" {port} ", "SAKSI_MAX_ENTRY_BYTES": f"{kib}KiB"}
    )
    by_number = load_config(None, {}, {"data": "/d", "port": port, "max_entry_bytes": kib * 1024})
    assert by_text == by_number
