"""Analysis walls 21-22: sensitivity (elasticities) and synthesis (inverse roofline)."""
