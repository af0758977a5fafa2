"""Layer: services (see docs/architektur.md)."""
