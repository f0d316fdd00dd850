"""The cited dataset: vocabularies, the schema registry, validation, cleaning, loaders, build."""
