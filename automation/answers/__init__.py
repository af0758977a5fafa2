"""Form answers: where they come from (CSV exports, Google Forms) and how they become records."""
