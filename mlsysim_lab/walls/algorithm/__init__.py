"""Algorithm walls 11-13: scaling laws, compression and quantization, architecture
efficiency and reasoning cost."""
