"""schv: Flemish Parliament written questions (PDF) to typed, normalised Parquet tables."""

__version__ = "0.4.0"
