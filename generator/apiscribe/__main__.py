"""``python -m apiscribe``: the same as the ``apiscribe`` command."""

from .cli import run

run()
