"""The deterministic demo city: a synthetic Suzhou on the real region tree (``laobao demo``).

Not a Django app: a plain package used by the ``lb_demo`` command and the benchmarks (bench/).

- :mod:`.generator` — orchestration, one transaction, one audit event;
- :mod:`.people`, :mod:`.employers`, :mod:`.relations` — the population as NumPy columns;
- :mod:`.regions` — communities and villages under streets that have none;
- :mod:`.codes` — vectorized citizen IDs, organization codes and credit codes;
- :mod:`.cast` — the fixed cast every demo contains; :mod:`.users` — one login per role;
- :mod:`.tables`, :mod:`.names` — the figures and name material the city is drawn from.
"""
