"""征缴 — collection: the payment file, allocation, late fees and arrears, account crediting and interest.

Modules: ``paymentfile`` (read and check the CSV), ``allocation`` (the order and the vectorized overlap),
``settle`` (what payers owe, how their money pays it), ``services`` (import, apply credit: the writes),
``postings`` (journal entries), ``arrears`` (selectors for any date), ``fees`` (late fees over columns),
``interest`` (yearly interest), ``runsql`` (set-based reads of a run). Journal entries are posted with
``laobao.ledger.batch.post_columns`` (the one set-based posting path; its ``write_columns`` writes whole columns).
"""
