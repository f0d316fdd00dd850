"""Finders, one module per family of fields.

Each finder reads a :class:`~probstats.extract.finders.context.Doc` and
returns :class:`~probstats.extract.finders.context.Found` values: *what* was
stated and *where*. Which unit a value belongs to, and how sure that is, is
decided afterwards from the value's grammatical neighbourhood
(:meth:`~probstats.extract.finders.context.Doc.owner`), so no finder needs to
know whether the document is about one unit or several.
"""
