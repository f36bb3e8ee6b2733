"""Attacks on the handlers and grants, reproduced on loopback (issue 12)."""
