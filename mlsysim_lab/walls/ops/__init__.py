"""Ops walls 17-20: energy, sustainability, economic cost, safety and multi-tenancy."""
