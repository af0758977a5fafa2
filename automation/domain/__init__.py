"""The pure core: records and rules, without input or output."""
