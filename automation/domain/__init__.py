"""The pure core: records, rules and state machines — no I/O, no store, sender or spreadsheet library."""
