"""``python -m chainatlas.cli``."""

from chainatlas.cli import main

main()
