"""Layer: domain (see docs/architektur.md)."""
