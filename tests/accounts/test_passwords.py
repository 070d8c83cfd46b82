import pytest
from argon2 import Type, extract_parameters

from portal.accounts.passwords import MIN_LENGTH, hash_password, password_problem, verify_password

PASSPHRASE = "lantern orchard gravel tugboat"


def test_hashes_are_argon2id_with_the_configured_cost(app_context):
    parameters = extract_parameters(hash_password(PASSPHRASE))

    assert parameters.type is Type.ID
    assert parameters.time_cost == app_context.config["PASSWORD_HASH_TIME_COST"]
    assert parameters.memory_cost == app_context.config["PASSWORD_HASH_MEMORY_KIB"]
    assert parameters.parallelism == app_context.config["PASSWORD_HASH_PARALLELISM"]


def test_the_same_password_hashes_differently_each_time(app_context):
    assert hash_password(PASSPHRASE) != hash_password(PASSPHRASE)


def test_verify_accepts_the_password_and_refuses_others(app_context):
    password_hash = hash_password(PASSPHRASE)

    assert verify_password(password_hash, PASSPHRASE)
    assert not verify_password(password_hash, PASSPHRASE.upper())
    assert not verify_password(password_hash, "")


def test_verify_refuses_when_there_is_no_hash_or_a_broken_one(app_context):
    assert not verify_password(None, PASSPHRASE)
    assert not verify_password("not a hash", PASSPHRASE)


def test_a_password_shorter_than_twelve_characters_is_refused():
    assert MIN_LENGTH == 12
    assert password_problem("tugboat lamp") is None  # 12 characters
    assert password_problem("tugboat lam") == "Password must be 12 characters or more"


def test_a_password_longer_than_256_characters_is_refused():
    assert password_problem("x" * 200 + PASSPHRASE * 2) == "Password must be 256 characters or fewer"


@pytest.mark.parametrize("password", ["councillor123", "COUNCILLOR123", "Councillor123", "qwertyuiop123"])
def test_passwords_on_the_block_list_are_refused_whatever_their_case(password):
    assert password_problem(password) == "Password is too common or easy to guess; try three random words"


def test_a_password_of_one_repeated_character_is_refused():
    assert password_problem("aaaaaaaaaaaaaaaa") == "Password is too common or easy to guess; try three random words"


@pytest.mark.parametrize(
    "password",
    ["margaret lantern orchard", "LANTERN THORNBURY ORCHARD", "mthornbury at home 42"],
)
def test_a_password_holding_the_persons_name_or_email_is_refused(password):
    problem = password_problem(password, email="mthornbury@council.example", name="Margaret Thornbury")

    assert problem == "Password must not contain your name or email address"


def test_short_name_parts_do_not_rule_a_password_out():
    assert password_problem("lantern jo orchard", email="jo@council.example", name="Jo Li") is None


def test_a_long_passphrase_is_accepted():
    assert password_problem(PASSPHRASE, email="mthornbury@council.example", name="Margaret Thornbury") is None
