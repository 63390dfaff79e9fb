"""Signed seals: the school group's Ed25519 key signs each seal, so that someone who can write
to the database cannot rewrite the log and recompute its seals unnoticed.

The hash chain has no key: anyone with write access can change an event, recompute its
record's chain and every seal with the library's own functions. A seal signed with a private
key that is never stored beside the data (an environment variable or a file the operator
names, like ``CIPHER_KEY``) cannot be recomputed; ``verify`` checks every seal's signature
with the public key, which can be handed to inspectors.

Keys are text: the raw 32-byte Ed25519 key in base64 (``create_signing_key`` makes a pair), or
a PEM file. Uses the ``cryptography`` package (already a dependency, for encryption at rest).
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from senad_ap.errors import InvalidInputError

__all__ = [
    "PUBLIC_KEY_VARIABLE",
    "SIGNING_KEY_FILE_VARIABLE",
    "SIGNING_KEY_VARIABLE",
    "SigningKeys",
    "create_signing_key",
    "seal_statement",
]

#: The environment variables the operator names the keys with (never stored with the data).
SIGNING_KEY_VARIABLE = "SENAD_AP_SIGNING_KEY"
SIGNING_KEY_FILE_VARIABLE = "SENAD_AP_SIGNING_KEY_FILE"
PUBLIC_KEY_VARIABLE = "SENAD_AP_PUBLIC_KEY"


def seal_statement(last_position: int, events: int, head: str) -> bytes:
    """What a seal's signature covers: the log's chain head up to a position."""
    return f"senad_ap seal v1\n{last_position}\n{events}\n{head}".encode("ascii")


def create_signing_key() -> tuple[str, str]:
    """A new key pair as text: (the private signing key, the public key for inspectors)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii"), _public_text(private.public_key())


def _public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _key_bytes(text: str, what: str) -> bytes | Ed25519PrivateKey | Ed25519PublicKey:
    """A key from its text: base64 of the raw 32 bytes, or PEM."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(f"The {what} must be a non-empty text.", field=what)
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        try:
            if "PRIVATE" in stripped:
                return serialization.load_pem_private_key(stripped.encode(), password=None)  # type: ignore[return-value]
            return serialization.load_pem_public_key(stripped.encode())  # type: ignore[return-value]
        except (ValueError, TypeError):
            raise InvalidInputError(f"The {what} is not a readable PEM key.", field=what) from None
    try:
        raw = base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInputError(
            f"The {what} must be the base64 of a 32-byte Ed25519 key, or a PEM key.", field=what
        ) from None
    if len(raw) != 32:
        raise InvalidInputError(
            f"The {what} must be a 32-byte Ed25519 key ({len(raw)} bytes given).", field=what
        )
    return raw


@attrs.frozen
class SigningKeys:
    """The private key that signs seals (if this process may seal) and the public key that
    checks them (derived from the private key when not given)."""

    private: Ed25519PrivateKey | None = None
    public: Ed25519PublicKey | None = None

    @classmethod
    def from_text(
        cls, signing_key: str | None = None, public_key: str | None = None
    ) -> SigningKeys:
        private = None
        if signing_key is not None:
            found = _key_bytes(signing_key, "signing key")
            if isinstance(found, bytes):
                private = Ed25519PrivateKey.from_private_bytes(found)
            elif isinstance(found, Ed25519PrivateKey):
                private = found
            else:
                raise InvalidInputError(
                    "The signing key given is a public key.", field="signing key"
                )
        public = None if private is None else private.public_key()
        if public_key is not None:
            found = _key_bytes(public_key, "public key")
            if isinstance(found, bytes):
                public = Ed25519PublicKey.from_public_bytes(found)
            elif isinstance(found, Ed25519PublicKey):
                public = found
            else:
                raise InvalidInputError(
                    "The public key given is a private key.", field="public key"
                )
        return cls(private, public)

    @classmethod
    def from_environment(cls) -> SigningKeys:
        """``SENAD_AP_SIGNING_KEY`` (or a file named by ``SENAD_AP_SIGNING_KEY_FILE``) and
        ``SENAD_AP_PUBLIC_KEY``; none of them set: no keys."""
        signing = os.environ.get(SIGNING_KEY_VARIABLE) or None
        path = os.environ.get(SIGNING_KEY_FILE_VARIABLE) or None
        if signing is None and path is not None:
            try:
                signing = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise InvalidInputError(
                    f"The signing key file {path} cannot be read: {error}", field="signing key"
                ) from None
        return cls.from_text(signing, os.environ.get(PUBLIC_KEY_VARIABLE) or None)

    def sign(self, statement: bytes) -> str | None:
        """The statement's signature (base64), or ``None`` without a private key."""
        if self.private is None:
            return None
        return base64.b64encode(self.private.sign(statement)).decode("ascii")

    def check(self, statement: bytes, signature: str | None) -> bool:
        """Whether ``signature`` is the public key's signature of ``statement``."""
        if self.public is None or not signature:
            return False
        try:
            self.public.verify(base64.b64decode(signature, validate=True), statement)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    @property
    def public_text(self) -> str | None:
        """The public key as text (base64), to hand to inspectors."""
        return None if self.public is None else _public_text(self.public)
