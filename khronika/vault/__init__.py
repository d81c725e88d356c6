"""The vault: encryption at rest for every identifying or narrative field and every stored file."""
