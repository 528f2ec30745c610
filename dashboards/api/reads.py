"""Read endpoints (filled in below)."""
