"""征缴 — collection: the payment file, allocation, late fees and arrears, account crediting and interest.

Modules: ``paymentfile`` (read and check the CSV), ``allocation`` (the order and the vectorized overlap),
``settle`` (what payers owe, how their money pays it), ``services`` (import, apply credit: the writes),
``postings`` (journal entries), ``arrears`` (selectors for any date), ``fees`` (late fees over columns),
``interest`` (yearly interest), ``runsql`` (set-based reads of a run), ``journal`` (posting entries given
as columns), ``columns`` (COPY / executemany of whole columns, one-statement lookups).
"""
