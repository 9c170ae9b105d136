"""关系转移接续 — moving one insurance of a person to or from another pooling region.

Law (see ``policy/parameters/pension/transfer_pooled_share.yaml`` for the sources and their status):

- 国办发〔2009〕66号《城镇企业职工基本养老保险关系转移接续暂行办法》(from 2010-01-01), 第三条: the region the
  person leaves issues the 参保缴费凭证 and the record moves with the person; contribution years add up.
  第四条: the individual account balance moves in full; the pooled fund moves 12% of the person's actual
  contribution wages of each year from 1998-01-01, summed (by the months paid when under a year).
- 人社部发〔2009〕191号《流动就业人员基本医疗保障关系转移接续暂行办法》(from 2010-07-01): medical insurance moves
  the record and the individual account balance only — no pooled part.

Modules: ``compute`` (the history and the amounts, pure or read-only), ``incoming`` (parsing and checking a
history received from another region), ``selectors`` (scoped reads), ``services`` (the two writes).
"""

from .compute import TRANSFERABLE, OutPreview, pooled_amount
from .selectors import person_transfers, preview_out, transfer_get, transfers_visible
from .services import transfer_in, transfer_out

__all__ = ["TRANSFERABLE", "OutPreview", "pooled_amount", "person_transfers", "preview_out", "transfer_get",
           "transfers_visible", "transfer_in", "transfer_out"]
