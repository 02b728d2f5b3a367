"""Reference data: forces, vocabularies, frameworks."""
