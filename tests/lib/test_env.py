"""Reading keys from the environment: measured and compared as bytes, never stripped."""

import base64

import pytest

from homegroup.lib.env import SettingError, base64_key, env_secret, key_problems, key_ring_keys

KEY = bytes(range(32))
ENCODED = base64.b64encode(KEY).decode()


def test_a_key_ring_yields_its_ids_and_decoded_keys_in_order():
    assert key_ring_keys("RING", f"new:{ENCODED},old:{base64.b64encode(b'o' * 32).decode()}") == [
        ("new", KEY),
        ("old", b"o" * 32),
    ]


@pytest.mark.parametrize("spec", ["", "nokey", f" a:{ENCODED}", f"a:{ENCODED}, b:{ENCODED}"])
def test_a_malformed_ring_names_the_variable(spec):
    with pytest.raises(SettingError, match="RING entries must look like"):
        key_ring_keys("RING", spec)


def test_bad_base64_names_the_variable_and_the_key():
    with pytest.raises(SettingError, match="RING key 'a' is not valid base64"):
        key_ring_keys("RING", "a:not base64!")
    with pytest.raises(SettingError, match="BACKUP is not valid base64"):
        base64_key("BACKUP", ENCODED + "\n")


@pytest.mark.parametrize("value", [" key", "key\n", "\tkey"])
def test_a_secret_with_surrounding_whitespace_is_refused_not_stripped(value):
    with pytest.raises(SettingError, match="SECRET starts or ends with a space or a line break"):
        env_secret("SECRET", "default", environ={"SECRET": value})


def test_a_secret_is_read_exactly_and_defaults_when_unset():
    assert env_secret("SECRET", "default", environ={"SECRET": "a b c"}) == "a b c"
    assert env_secret("SECRET", "default", environ={}) == "default"


def test_key_material_is_judged_by_its_bytes():
    published = {b"d" * 32}
    assert key_problems("K", b"", published=published) == ["K is empty"]
    assert key_problems("K", b"d" * 32, published=published) == ["K is the local development key"]
    assert key_problems("K", b"k" * 31, published=published) == [
        "K holds 31 bytes of key material; at least 32 are needed"
    ]
    assert key_problems("K", "é".encode() * 16, published=published) == []
