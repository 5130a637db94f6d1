"""Thin translators between briefbot's core and the surfaces people use it from."""
