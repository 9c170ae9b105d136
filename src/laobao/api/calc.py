"""/calc/{rule}: the calculator, the same JSON in and out as `laobao calc` (no personal data involved)."""

from __future__ import annotations

import json

from ninja import Router

from laobao.core.errors import DomainError
from laobao.policy import calc as engine

router = Router(tags=["calculator"])


@router.post("/calc/{rule}", response={200: dict}, summary="Run a calculation",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "description": "The rule's input fields (see docs/CALCULATOR.md)"}}}}})
def calculate(request, rule: str):
    """Rules: contribution, retirement, pension, unemployment, injury, maternity, late-fee. Amounts are yuan as text."""
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise DomainError.of("body", "calc.json", "请求体不是有效的 JSON：请检查引号、逗号和括号",
                             "The request body is not valid JSON: check quotes, commas and brackets") from None
    return engine.run(rule[:40], data)
