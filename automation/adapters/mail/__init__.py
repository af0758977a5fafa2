"""Mail at the edge: templates, calendar files, the e-mail itself, senders, the journal."""
