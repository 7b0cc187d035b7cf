"""Forging staff tokens for tests: moto's own signing key makes a forgery differ in one thing only."""
from __future__ import annotations

import gzip
import json
from importlib import resources as package_files

import jwt

MOTO_KID = "dummy"  # the kid of moto's one signing key


def moto_signing_key():
    """moto's private signing key: tokens signed with it are as genuine as moto's own."""
    document = gzip.decompress((package_files.files("moto") / "cognitoidp/resources/jwks-private.json.gz").read_bytes())
    return jwt.PyJWK.from_dict(json.loads(document)).key


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def forge(token: str, key, kid: str = MOTO_KID, algorithm: str = "RS256", drop=(), **changes) -> str:
    """The claims of `token` with `changes` (and without `drop`), signed anew."""
    claims = {k: v for k, v in {**claims_of(token), **changes}.items() if k not in drop}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})
