"""bibgen's CSL 1.0.2 bibliography processor.

>>> from bibgen.style.csl import CslStyle
>>> style = CslStyle.from_string(
...     '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">'
...     '<bibliography><layout><text variable="title"/></layout></bibliography></style>')
>>> [r.body for r in style.bibliography([{"id": "a", "title": "On CSL"}])]
[(Text(text='On CSL'),)]
"""

from bibgen.style.csl.style import CslStyle

__all__ = ["CslStyle"]
