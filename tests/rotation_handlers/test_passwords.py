"""Password generation: length, required character classes, exclusions and the deployed policy."""

from __future__ import annotations

import string

import pytest

from rotation_handlers.password_generator import (
    DEFAULT_EXCLUDE_CHARACTERS,
    DEFAULT_LENGTH,
    generate_password,
    policy_from_environment,
)

SAMPLES = 500
AWS_DEFAULT_EXCLUSIONS = {"/", "@", '"', "'", "\\"}
CLASSES = {
    "lowercase": set(string.ascii_lowercase),
    "uppercase": set(string.ascii_uppercase),
    "digits": set(string.digits),
    "punctuation": set(string.punctuation),
}


def classes_in(password: str) -> set[str]:
    return {name for name, chars in CLASSES.items() if chars & set(password)}


def test_default_length_is_32() -> None:
    assert len(generate_password()) == 32


@pytest.mark.parametrize("length", [4, 5, 16, 64, 256])
def test_password_has_the_requested_length(length: int) -> None:
    assert len(generate_password(length)) == length


def test_every_class_appears_in_every_password() -> None:
    for _ in range(SAMPLES):
        assert classes_in(generate_password(8)) == set(CLASSES)


def test_at_minimum_length_each_class_appears_exactly_once() -> None:
    for _ in range(SAMPLES):
        password = generate_password(4)
        for name, chars in CLASSES.items():
            assert sum(c in chars for c in password) == 1, name


def test_required_characters_are_shuffled_not_always_first() -> None:
    first_classes = set()
    for _ in range(SAMPLES):
        first_classes |= classes_in(generate_password(4)[0])
    assert first_classes == set(CLASSES)


def test_only_printable_non_space_ascii_is_used() -> None:
    allowed = set().union(*CLASSES.values()) - AWS_DEFAULT_EXCLUSIONS
    for _ in range(SAMPLES):
        assert set(generate_password(64)) <= allowed


def test_default_exclusions_never_appear() -> None:
    for _ in range(SAMPLES):
        assert not set(generate_password(64)) & AWS_DEFAULT_EXCLUSIONS


def test_custom_exclusions_never_appear_and_replace_the_defaults() -> None:
    excluded = "aeiouAEIOU01lI!#$%^&*"
    seen: set[str] = set()
    for _ in range(SAMPLES):
        password = generate_password(64, excluded)
        assert not set(password) & set(excluded)
        assert classes_in(password) == set(CLASSES)
        seen |= set(password)
    # The defaults no longer apply once exclusions are given: '/' and '@' can now appear.
    assert {"/", "@"} <= seen


def test_a_fully_excluded_class_is_not_required() -> None:
    for _ in range(SAMPLES):
        password = generate_password(3, string.punctuation)
        assert len(password) == 3
        assert classes_in(password) == {"lowercase", "uppercase", "digits"}


def test_only_the_remaining_classes_are_required() -> None:
    excluded = string.punctuation + string.digits + string.ascii_uppercase
    password = generate_password(1, excluded)
    assert len(password) == 1
    assert password in string.ascii_lowercase


def test_partially_excluded_class_still_required_from_what_is_left() -> None:
    # Only '9' is left of the digits: every password must contain it.
    excluded = string.digits[:-1]
    for _ in range(SAMPLES):
        assert "9" in generate_password(4, excluded)


def test_excluding_everything_fails() -> None:
    everything = string.ascii_letters + string.digits + string.punctuation
    with pytest.raises(ValueError, match="no characters"):
        generate_password(32, everything)


@pytest.mark.parametrize(
    ("length", "excluded", "minimum"),
    [
        (3, DEFAULT_EXCLUDE_CHARACTERS, 4),
        (0, DEFAULT_EXCLUDE_CHARACTERS, 4),
        (-1, DEFAULT_EXCLUDE_CHARACTERS, 4),
        (2, string.punctuation, 3),
    ],
)
def test_length_shorter_than_the_required_classes_fails(
    length: int, excluded: str, minimum: int
) -> None:
    with pytest.raises(ValueError, match=f"at least {minimum}"):
        generate_password(length, excluded)


def test_passwords_differ() -> None:
    assert len({generate_password() for _ in range(100)}) == 100


# --- policy_from_environment --------------------------------------------------------------


def test_policy_defaults_match_aws_rotation_samples() -> None:
    length, excluded = policy_from_environment({})

    assert length == DEFAULT_LENGTH == 32
    assert excluded == DEFAULT_EXCLUDE_CHARACTERS
    assert len(excluded) == len(AWS_DEFAULT_EXCLUSIONS)
    assert set(excluded) == AWS_DEFAULT_EXCLUSIONS


def test_policy_overrides_come_from_the_environment() -> None:
    environ = {"PASSWORD_LENGTH": "48", "EXCLUDE_CHARACTERS": "abc"}

    assert policy_from_environment(environ) == (48, "abc")


def test_empty_exclude_characters_means_exclude_nothing() -> None:
    assert policy_from_environment({"EXCLUDE_CHARACTERS": ""}) == (DEFAULT_LENGTH, "")


def test_policy_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD_LENGTH", "20")
    monkeypatch.setenv("EXCLUDE_CHARACTERS", "xyz")

    assert policy_from_environment() == (20, "xyz")


def test_policy_without_variables_in_os_environ_uses_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PASSWORD_LENGTH", raising=False)
    monkeypatch.delenv("EXCLUDE_CHARACTERS", raising=False)

    assert policy_from_environment() == (DEFAULT_LENGTH, DEFAULT_EXCLUDE_CHARACTERS)


def test_non_numeric_length_fails() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        policy_from_environment({"PASSWORD_LENGTH": "long"})


def test_environment_policy_drives_generation() -> None:
    length, excluded = policy_from_environment({"PASSWORD_LENGTH": "12", "EXCLUDE_CHARACTERS": "Z"})
    for _ in range(SAMPLES):
        password = generate_password(length, excluded)
        assert len(password) == 12
        assert "Z" not in password
