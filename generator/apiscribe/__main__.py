"""``python -m apiscribe``: the same as the ``apiscribe`` command."""

from .cli import main

main(prog_name="apiscribe")
