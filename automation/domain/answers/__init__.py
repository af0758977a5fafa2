"""Form answers as received and how they become Kontakt, Anmeldung or Feedback (pure)."""
