"""Message kinds and where messages are chosen (pure)."""
