"""Password hashing with argon2id (argon2-cffi).

The parameters and their measured cost are recorded in ``docs/decisions.md`` (Accounts and
authentication).  Changing them is safe: every stored hash carries its own parameters, so old
hashes still verify, and a successful login re-hashes them (``needs_rehash``).
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

#: argon2id, 2 passes over 32 MiB, one lane: about 75 ms on one x86_64 core (see docs/decisions.md).
TIME_COST = 2
MEMORY_COST_KIB = 32 * 1024
PARALLELISM = 1
HASH_BYTES = 32
SALT_BYTES = 16


class PasswordHasher:
    def __init__(
        self,
        time_cost: int = TIME_COST,
        memory_cost_kib: int = MEMORY_COST_KIB,
        parallelism: int = PARALLELISM,
    ) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=time_cost,
            memory_cost=memory_cost_kib,
            parallelism=parallelism,
            hash_len=HASH_BYTES,
            salt_len=SALT_BYTES,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; a mismatch or a corrupt hash is False, never an exception."""
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def waste_time(self, password: str) -> None:
        """Spend what a verification costs, so an unknown email answers as slowly as a wrong password."""
        self.verify(self._decoy_hash, password)

    @cached_property
    def _decoy_hash(self) -> str:
        return self.hash("decoy password that no account has")
