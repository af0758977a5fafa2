"""Pure core: records and rules without input/output."""
