"""Events other apps may act on, without the registry depending on them (dependencies point one way).

``employment_started``: sent by ``services.relation_start`` inside its transaction, after the relation is
written, with ``person`` and ``started`` (the start date). Benefits listens: re-employment stops a running
unemployment benefit. Receivers run in the same transaction, so their failure undoes the relation too.
"""

from django.dispatch import Signal

employment_started = Signal()
