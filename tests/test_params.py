"""Parameters: one pydantic model; unknown keys, wrong types and out-of-range values are
refused naming the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from twinimpact import config
from twinimpact.errors import ParamsError
from twinimpact.params import Params, from_namespace, load_params, parse_params


def test_default_yaml_equals_the_model_defaults():
    assert load_params(config.DEFAULT_PARAMS) == Params()


def test_default_yaml_lists_every_parameter():
    keys = set(yaml.safe_load(config.DEFAULT_PARAMS.read_text()))
    assert keys == set(Params.model_fields)


def test_test_yaml_is_valid_and_fast():
    p = load_params(config.PARAMS_DIR / "test.yaml")
    assert p.n_draws <= 1000 and p.as_of is not None


def test_unknown_key_is_refused_with_a_suggestion(tmp_path: Path):
    f = tmp_path / "p.yaml"
    f.write_text("n_drawz: 100\n")
    with pytest.raises(ParamsError) as caught:
        load_params(f)
    msg = str(caught.value)
    assert "unknown parameter 'n_drawz'" in msg and "Did you mean 'n_draws'?" in msg and str(f) in msg


@pytest.mark.parametrize("key,value,expected", [
    ("n_draws", 5, "allowed 100 to 10000000"),
    ("adoption_share", 1.5, "allowed 0.0 to 1.0"),
    ("discount_rate", -0.1, "allowed 0.0 to 0.5"),
    ("horizon_years", "five", "type int"),
    ("reporting_currency", "euro", "three-letter ISO 4217"),
    ("as_of", "28/11/2026", "type date"),
])
def test_bad_value_names_key_given_value_and_allowed_range(key, value, expected):
    with pytest.raises(ParamsError) as caught:
        parse_params({key: value})
    msg = str(caught.value)
    assert f"parameter '{key}'" in msg and expected in msg


def test_reporting_currency_gets_rate_one_and_a_different_rate_is_refused():
    assert Params(reporting_currency="USD", fx_rates={"EUR": 1.09}).fx_rates["USD"] == 1.0
    with pytest.raises(ParamsError, match=r"fx_rates\[EUR\] must be 1"):
        parse_params({"fx_rates": {"EUR": 1.1}})


def test_rates_must_be_positive():
    with pytest.raises(ParamsError, match="rate for USD must be above 0"):
        parse_params({"fx_rates": {"EUR": 1.0, "USD": 0}})


def test_source_env_takes_a_name_and_never_echoes_a_url():
    url = "postgres://analyst:s3cret@db.internal/brand"
    with pytest.raises(ParamsError) as caught:
        parse_params({"source_env": url})
    assert "s3cret" not in str(caught.value) and "NAME of an environment variable" in str(caught.value)


def test_papermill_string_lists_are_parsed():
    # papermill -p passes lists and dicts as strings (papermill #396)
    p = parse_params({"brands": '["Aurora Apparel"]', "fx_rates": "{EUR: 1.0, USD: 0.9}"})
    assert p.brands == ["Aurora Apparel"] and p.fx_rates["USD"] == 0.9


def test_yaml_dates_and_strings_both_parse(tmp_path: Path):
    f = tmp_path / "p.yaml"
    f.write_text("as_of: 2026-11-28\n")  # YAML reads an unquoted date as a date
    assert load_params(f).as_of.isoformat() == "2026-11-28"
    f.write_text("as_of: '2026-11-28'\n")  # quoted, or from papermill -p: a string
    assert load_params(f).as_of.isoformat() == "2026-11-28"
    assert parse_params({"as_of": "2026-11-28"}).as_of == load_params(f).as_of


def test_namespace_takes_only_known_names():
    p = from_namespace({"seed": 3, "pd": object(), "reporting_currency": "EUR"})
    assert p.seed == 3


def test_broken_yaml_names_the_line(tmp_path: Path):
    f = tmp_path / "p.yaml"
    f.write_text("seed: 1\nfx_rates: {EUR: 1.0\n")
    with pytest.raises(ParamsError, match="not valid YAML at line"):
        load_params(f)


def test_every_role_of_the_contract_has_a_default_redeploy_share():
    from twinimpact.contract.spec import ROLES
    from twinimpact.params import DEFAULT_REDEPLOY_SHARE

    assert list(DEFAULT_REDEPLOY_SHARE) == list(ROLES)
    with pytest.raises(ParamsError, match="unknown role"):
        parse_params({"redeploy_share": {"caterer": 0.5}})


def test_every_validator_of_the_parameter_model_is_its_own():
    """A validator defined twice under one name silently replaces the first (pydantic only
    warns): the target mixes would then go unchecked."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-W", "error::UserWarning", "-c", "import twinimpact.params"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_target_mixes_and_options_are_shares():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="add up to 1.800"):
        Params(target_size_mix={"petite": 0.9, "plus": 0.9})
    with pytest.raises(ValidationError, match="from 0 to 1"):
        Params(options=[1.5])
    assert Params(options=[0.9, 0.5, 0.9]).options == [0.5, 0.9]


def test_a_key_given_twice_in_a_parameters_file_is_refused_naming_it_and_both_lines(tmp_path):
    from twinimpact.params import read_params_file

    path = tmp_path / "p.yaml"
    path.write_text("n_draws: 100\nseed: 3\nadoption_share: 0.5\nn_draws: 200\nseed: 4\n")
    with pytest.raises(ParamsError, match=r"the key 'n_draws' is given twice, on lines 1 and 4"):
        read_params_file(path)
    path.write_text("fx_rates: {EUR: 1.0, USD: 0.9, EUR: 1.1}\n")  # nested mappings too
    with pytest.raises(ParamsError, match="'EUR' is given twice"):
        read_params_file(path)


def test_a_run_date_far_in_the_future_is_refused_and_a_year_ahead_is_not():
    from datetime import date, timedelta

    from twinimpact.params import AS_OF_MAX_DAYS_AHEAD

    with pytest.raises(ParamsError, match=r"as_of.*2100-01-01 is more than 366 days after today"):
        parse_params({"as_of": "2100-01-01"}, where="p.yaml")
    ahead = date.today() + timedelta(days=AS_OF_MAX_DAYS_AHEAD)
    assert parse_params({"as_of": ahead.isoformat()}, where="p.yaml").as_of == ahead


def test_an_assets_folder_that_is_a_file_is_refused_naming_the_parameter_and_the_path(tmp_path):
    image = tmp_path / "A1.png"
    image.write_bytes(b"\\x89PNG")
    with pytest.raises(ParamsError, match=rf"assets_dir.*{image} is a file: name the folder"):
        parse_params({"assets_dir": str(image)}, where="p.yaml")
    assert parse_params({"assets_dir": str(tmp_path)}, where="p.yaml").assets_dir == str(tmp_path)
