"""Every failure of the API becomes ``{"detail": [{"field", "code", "zh", "en"}]}``; never a stack trace.

DomainError → 422, ninja's input validation → 422 in the same shape, NotFound/Http404 → 404,
Forbidden → 403, authentication → 401, anything unexpected → 500 with a request id (logged, not shown).
"""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from laobao.core.errors import DomainError, Forbidden, NotFound, Problem

log = logging.getLogger("laobao.api")

# Chinese text for the pydantic error types an integrator meets most often (English comes from pydantic).
_ZH = {
    "missing": "缺少必填项：请提供该字段",
    "extra_forbidden": "不允许提交该字段：请删除它（只读或不可由接口设置）",
    "int_parsing": "应为整数：请填写数字",
    "int_type": "应为整数：请填写数字",
    "string_type": "应为文本：请用字符串提交",
    "string_too_long": "内容过长：请缩短",
    "string_too_short": "内容过短：请补全",
    "greater_than_equal": "数值过小：请填写允许范围内的数",
    "greater_than": "数值过小：请填写允许范围内的数",
    "less_than_equal": "数值过大：请填写允许范围内的数",
    "less_than": "数值过大：请填写允许范围内的数",
    "date_parsing": "日期格式不正确：请用 YYYY-MM-DD，例如 2024-03-01",
    "date_from_datetime_parsing": "日期格式不正确：请用 YYYY-MM-DD，例如 2024-03-01",
    "date_type": "日期格式不正确：请用 YYYY-MM-DD，例如 2024-03-01",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "json_invalid": "请求体不是有效的 JSON：请检查引号、逗号和括号",
    "model_attributes_type": "请求体应为 JSON 对象：请用 {\"字段\": 值} 的形式提交",
    "dict_type": "请求体应为 JSON 对象：请用 {\"字段\": 值} 的形式提交",
    "literal_error": "取值不在允许范围内",
    "control_character": "不能包含控制字符（如 NUL）：请删除后重新提交",
    "enum": "取值不在允许范围内",
}
_WRAPPERS = {"body", "query", "path", "header", "cookie", "form", "payload", "filters", "page"}


def problem(field: str, code: str, zh: str, en: str) -> dict:
    return Problem(field=field, code=code, zh=zh, en=en).as_dict()


def _field(loc) -> str:
    parts = [str(p) for p in loc if str(p) not in _WRAPPERS]
    return ".".join(parts) or "body"


def validation_problems(errors: list[dict]) -> list[dict]:
    """Ninja/pydantic errors in the house shape: the field, a stable code, Chinese and English."""
    out = []
    for err in errors:
        kind = str(err.get("type", "invalid"))
        en = str(err.get("msg", "Invalid input"))
        zh = _ZH.get(kind, "输入格式不正确：请按接口文档填写")
        out.append(problem(_field(err.get("loc", ())), f"input.{kind}", zh, en))
    return out


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (more specific classes win by MRO lookup)."""

    def respond(request, status: int, problems: list[dict]):
        return api.create_response(request, {"detail": problems}, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return respond(request, 422, [p.as_dict() for p in exc.problems])

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc: ValidationError):
        return respond(request, 422, validation_problems(exc.errors))

    @api.exception_handler(NotFound)
    def not_found(request, exc):
        return respond(request, 404, [problem("", "not_found", "记录不存在或不在您的辖区内",
                                              "No such record in your jurisdiction")])

    @api.exception_handler(Http404)
    def http404(request, exc):
        return not_found(request, exc)

    @api.exception_handler(Forbidden)
    def forbidden(request, exc):
        return respond(request, 403, [problem("", "forbidden", "您的角色或辖区不允许此操作",
                                              "Your role or jurisdiction does not allow this operation")])

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = respond(request, 401, [problem(
            "Authorization", "auth.required", "请先登录，或在 Authorization 头中提供有效的 Bearer 令牌",
            "Log in, or send a valid token as 'Authorization: Bearer lb_…'")])
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 403:  # ninja's CSRF refusal for cookie-authenticated unsafe requests
            return respond(request, 403, [problem("csrf", "csrf", "CSRF 校验失败：请从页面提交或改用令牌认证",
                                                  "CSRF check failed: send the CSRF token or use a bearer token")])
        if exc.status_code == 400:  # the body is not parseable JSON
            return respond(request, 400, [problem("body", "input.json_invalid", _ZH["json_invalid"],
                                                  "The request body is not valid JSON: check quotes, commas and brackets")])
        return respond(request, exc.status_code, [problem("", f"http.{exc.status_code}", str(exc), str(exc))])

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        rid = getattr(request, "request_id", "")
        log.exception("API error (request %s)", rid)
        return respond(request, 500, [problem(
            "", "server_error", f"服务器内部错误，已记录（请求号 {rid}）：请稍后重试或联系管理员",
            f"Internal error, logged (request {rid}): retry later or contact the administrator")])
