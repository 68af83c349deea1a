"""Fleet walls 14-16: collectives, synchronization, reliability."""
