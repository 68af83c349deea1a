"""Data walls 8-10: ingestion, transformation (CPU preprocessing), storage and locality."""
