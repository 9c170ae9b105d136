"""一次性待遇发放: one-time benefit payments (maternity allowance, death grants, injury lump sums) through bank files."""
