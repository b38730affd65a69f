"""``python -m bibgen``."""

from bibgen.entry import main

main()
