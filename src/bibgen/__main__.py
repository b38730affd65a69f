"""``python -m bibgen``."""

from bibgen.entry import console

console()
