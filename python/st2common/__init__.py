"""Squall's stand-in for the parts of StackStorm's st2common that packs import."""

__version__ = "3.8.0"
