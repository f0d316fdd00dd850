"""The publication: analysis specifications, tables, figures, house style and rendering."""
