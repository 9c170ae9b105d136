"""征缴 — collection-side rules: late fees."""
