"""Opaque public codes: URLs never expose sequential ids."""

import secrets

# Crockford-style alphabet without look-alikes (0/O, 1/I/L), easy to read aloud or type on a kiosk.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(prefix: str, length: int = 8) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
