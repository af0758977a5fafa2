"""The pure core: records and rules, functions of (data, settings, now) without input or output."""
