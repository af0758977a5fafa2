"""Layer: adapters (see docs/architektur.md)."""
