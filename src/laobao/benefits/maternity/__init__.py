"""生育津贴 maternity allowance claims (issue 5 Must have 7 and 8)."""
