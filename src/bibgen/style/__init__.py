"""Formatted references: styles build node trees, renderers turn them into markup.

A *style* (registry ``bibgen.styles``) turns entries into
:class:`~bibgen.style.nodes.Reference` values; a *renderer* (registry
``bibgen.renderers``) turns references into plain text, Markdown, HTML or
LaTeX. Styles never produce markup, so every style works with every renderer.
"""
