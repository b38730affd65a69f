"""``python -m bibgen``."""

from bibgen.cli import main

main()
