"""argon2id hashing: the chosen parameters, verification, corrupt hashes and rehash detection."""

from __future__ import annotations

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type

from filmhub.security.passwords import MEMORY_COST_KIB, PARALLELISM, TIME_COST, PasswordHasher

hasher = PasswordHasher()


def test_hashes_are_argon2id_with_the_documented_parameters() -> None:
    stored = hasher.hash("пароль-с-кириллицей")
    assert stored.startswith(f"$argon2id$v=19$m={MEMORY_COST_KIB},t={TIME_COST},p={PARALLELISM}$")
    assert "пароль" not in stored


def test_each_hash_is_salted() -> None:
    assert hasher.hash("same password") != hasher.hash("same password")


def test_verify_accepts_only_the_password() -> None:
    stored = hasher.hash("пароль-с-кириллицей")
    assert hasher.verify(stored, "пароль-с-кириллицей")
    assert not hasher.verify(stored, "пароль-с-кириллицей ")
    assert not hasher.verify(stored, "")


def test_a_corrupt_or_foreign_hash_is_a_mismatch_not_an_error() -> None:
    for stored in ("", "not a hash", "$argon2id$v=19$m=1,t=1,p=1$garbage", "pbkdf2_sha256$1$salt$hash"):
        assert not hasher.verify(stored, "password")
        assert hasher.needs_rehash(stored)


def test_hashes_made_with_other_parameters_need_a_rehash() -> None:
    weaker = Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash("password")
    argon2i = Argon2Hasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=1, type=Type.I).hash("pw")
    assert hasher.verify(weaker, "password")  # old hashes keep working until the next login re-hashes them
    assert hasher.needs_rehash(weaker)
    assert hasher.needs_rehash(argon2i)
    assert not hasher.needs_rehash(hasher.hash("password"))


def test_waste_time_accepts_any_password() -> None:
    hasher.waste_time("whatever")
    hasher.waste_time("")
