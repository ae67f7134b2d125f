"""The registry of error *details*: the English template every detail is written in, and its zh-cn reading.

``ApiError(code, field=..., detail="must be between {low} and {high}", params={...})`` keeps the template
and its parameters apart, so the message is rendered in the caller's language when the response is written.
Every template used in the code is registered here (``tests/test_error_languages.py`` reads the source to
prove it); an unknown template would be shown in English rather than fail the request. Validation errors
found by pydantic are mapped to these templates by their error type, so no library's English text reaches a
zh-cn caller.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("partnerhub.errors")

ZH_CN: dict[str, str] = {
    # presence and shape
    "is required": "必填",
    "required": "必填",
    "required, 1 to 10 ids": "必填，1 到 10 个 id",
    "required when mobile_phone is given": "填写 mobile_phone 时必填",
    "required when identify_type is 4": "identify_type 为 4 时必填",
    "required when scene is {scene}": "scene 为 {scene} 时必填",
    "an empty string is not allowed": "不允许空字符串",
    "must not be an empty string": "不能为空字符串",
    "must be a boolean": "必须是布尔值",
    'must be "true" or "false"': '必须是 "true" 或 "false"',
    "must be an integer": "必须是整数",
    "must be a string": "必须是字符串",
    "must be an object": "必须是 JSON 对象",
    "must be a list": "必须是数组",
    "is not valid": "取值不合法",
    "is not one of the documented values": "不是文档列出的取值",
    "is not allowed here": "不允许出现在此处",
    "must be 0 or 1": "必须是 0 或 1",
    'must be "1" (referral) or "2" (resale)': '必须是 "1"（顾问销售）或 "2"（代售）',
    "must be email, mobile or name": "必须是 email、mobile 或 name",
    "must be ACCOUNT or ACCOUNT_AND_RESOURCE": "必须是 ACCOUNT 或 ACCOUNT_AND_RESOURCE",
    "0 (ID documents) or 4 (bank card)": "0（证件）或 4（银行卡）",
    "29 (registration), 18 (bank-card real-name) or 30 (bind mobile)": "29（注册）、18（银行卡实名认证）或 30（绑定手机）",
    "3, 5, 6, 9 or 10 when identify_type is 0": "identify_type 为 0 时只能是 3、5、6、9 或 10",
    "only -1 (first authentication) is supported": "仅支持 -1（首次认证）",
    "only 0086 is supported": "仅支持 0086",
    "only 1 (SMS) is supported": "仅支持 1（短信）",
    "only password is supported": "仅支持 password",
    "only cash funding is offered": "仅支持现金拨款",
    "only a reseller has a parent": "只有云经销商有上级",
    "a reseller needs an existing distributor as parent": "云经销商需要一个已存在的总经销商作为上级",
    "only a distributor manages its resellers' quotas": "只有总经销商可以管理其云经销商的额度",
    "only a distributor may operate on cloud resellers": "只有总经销商可以操作云经销商",
    "zh-cn or en-us": "zh-cn 或 en-us",
    "use {choices}": "取值为 {choices}",
    "use BALANCE_TYPE_DEBIT | BALANCE_TYPE_CREDIT": "取值为 BALANCE_TYPE_DEBIT | BALANCE_TYPE_CREDIT",
    "unknown trade type": "未知的交易类型",
    # lengths and counts
    "at most {maximum} characters": "最多 {maximum} 个字符",
    "at least {minimum} characters": "至少 {minimum} 个字符",
    "at most 6 characters": "最多 6 个字符",
    "at most 64 characters": "最多 64 个字符",
    "at most {maximum} ids": "最多 {maximum} 个 id",
    "at most {maximum} files": "最多 {maximum} 个文件",
    "at most {maximum} of 0, 3, 4, 5": "最多 {maximum} 个，取值 0、3、4、5",
    "exactly {expected} file(s) for this kind of authentication": "此类认证需要恰好 {expected} 个文件",
    "give 1 to {maximum} items": "需要 1 到 {maximum} 项",
    "may hold at most {maximum} items": "最多 {maximum} 项",
    "must name at least one item": "至少需要一项",
    "items must be 1-{maximum} characters": "每项须为 1-{maximum} 个字符",
    "items must be 1-{maximum} characters without commas": "每项须为 1-{maximum} 个字符且不含逗号",
    "items must be distinct": "各项不能重复",
    "each customer may appear once": "每个客户只能出现一次",
    "5-32 letters and digits": "5-32 位字母和数字",
    # numbers and amounts
    "must be between {low} and {high}": "必须在 {low} 到 {high} 之间",
    "must be greater than 0": "必须大于 0",
    "must not exceed {maximum}": "不能超过 {maximum}",
    "must be a decimal number or a numeric string": "必须是数字或数字字符串",
    "must be a finite number": "必须是有限数值",
    "must be a number such as 10.50": "必须是数字，例如 10.50",
    "must have at most 2 decimal places": "最多 2 位小数",
    "is not a valid amount": "不是合法金额",
    "number out of range": "数值超出范围",
    "minimum {amount}": "最小值 {amount}",
    "maximum {amount}": "最大值 {amount}",
    "must not exceed max-face": "不能超过 max-face",
    "coupons and cash cover {amount}": "优惠券和现金合计仅够 {amount}",
    "must be at least 1 minute": "至少 1 分钟",
    # times
    "must be UTC yyyy-MM-ddTHH:mm:ssZ": "必须是 UTC 时间 yyyy-MM-ddTHH:mm:ssZ",
    "use UTC yyyy-MM-ddTHH:mm:ssZ": "请使用 UTC 时间 yyyy-MM-ddTHH:mm:ssZ",
    "use yyyy-MM-ddTHH:mm:ssZ": "请使用 yyyy-MM-ddTHH:mm:ssZ",
    "use YYYY-MM-DD (UTC+8)": "请使用 YYYY-MM-DD（UTC+8）",
    "use ISO-8601, e.g. 2027-01-01T00:00:00Z": "请使用 ISO-8601 时间，例如 2027-01-01T00:00:00Z",
    "must be in the future": "必须是将来的时间",
    "must be later than the effective time": "必须晚于生效时间",
    "must be later than valid_time": "必须晚于 valid_time",
    "must lie within the quota's validity": "必须在额度有效期内",
    "must not be later than the quota's expiry": "不能晚于额度的失效时间",
    "must not be after trade_time_end": "不能晚于 trade_time_end",
    # text content
    "must not contain spaces": "不能包含空格",
    "must not contain NUL characters": "不能包含 NUL 字符",
    "must not contain unpaired UTF-16 surrogates": "不能包含未配对的 UTF-16 代理字符",
    "malformed JSON body": "请求体不是合法的 JSON",
    "{content_type} is not JSON; send application/json": "{content_type} 不是 JSON，请使用 application/json",
    "must not contain an encoded '/' (%2F)": "不能包含编码后的 '/'（%2F）",
    "use 1-128 characters from A-Z a-z 0-9 . _ : -": "请使用 1-128 个字符，取自 A-Z a-z 0-9 . _ : -",
    "must not be empty or blank": "不能为空或空白",
    # people, accounts and identity
    "not a mainland China mobile number": "不是中国大陆手机号",
    "mobile must look like 0086-13800000000": "手机号格式应为 0086-13800000000",
    "not a valid e-mail address": "不是合法的电子邮箱地址",
    "not a valid login name": "不是合法的登录名",
    "not a valid bank card number": "不是合法的银行卡号",
    "not a valid resident ID number": "不是合法的居民身份证号",
    "not a valid residence permit number": "不是合法的居住证号",
    "does not match the platform id assigned to the partner": "与分配给伙伴的平台标识不一致",
    "must be the calling partner's platform id, which `partnerhub partner show <partner id>` and `partnerhub partner list` print as xaccount_type": "必须是调用方伙伴的平台标识，`partnerhub partner show <伙伴 id>` 和 `partnerhub partner list` 以 xaccount_type 显示它",
    "not this partner's platform identifier": "不是该伙伴的平台标识",
    "the customer already has a mobile number": "该客户已绑定手机号",
    "the account is frozen as {freeze_type}": "账号的冻结类型为 {freeze_type}",
    "a rejection needs an opinion": "驳回时必须填写意见",
    "no such partner": "伙伴不存在",
    "no such customer": "客户不存在",
    "no such coupon": "优惠券不存在",
    "no real-name application under review for this customer": "该客户没有审核中的实名认证申请",
    "length must be 8-32": "长度须为 8-32 位",
    "needs at least two of: upper case, lower case, digit, special character": "须包含大写字母、小写字母、数字、特殊字符中的至少两种",
    "must differ from the login name and its reverse": "不能与登录名或其倒序相同",
    "must not contain the mobile number": "不能包含手机号",
    # files
    "jpg, jpeg, bmp, png, gif or pdf": "jpg、jpeg、bmp、png、gif 或 pdf",
    "must be a relative path of 1-1024 characters": "必须是 1-1024 个字符的相对路径",
    "must be relative to the bucket's download/ directory": "必须相对于桶的 download/ 目录",
    "must not contain empty, '.' or '..' segments": "不能包含空、'.' 或 '..' 路径段",
    # operator CLI
    "{url}: {reason}": "{url}：{reason}",
    "{reason}": "{reason}",
    "{what} (data dir {data_dir}; see PARTNERHUB_DATA_DIR, PARTNERHUB_DATABASE_URL)": "{what}（数据目录 {data_dir}；参见 PARTNERHUB_DATA_DIR、PARTNERHUB_DATABASE_URL）",
    "no {path}": "{path} 不存在",
    "an in-memory SQLite database cannot be backed up or restored": "内存中的 SQLite 数据库无法备份或恢复",
    "{tool} was not found on PATH": "在 PATH 中找不到 {tool}",
    "{tool}: {reason}": "{tool}：{reason}",
    "{path} already exists; choose a new file": "{path} 已存在，请指定一个新文件",
    "no folder {path}": "文件夹 {path} 不存在",
    "no database at {path}": "{path} 处没有数据库",
    "no backup file {path}": "备份文件 {path} 不存在",
    "{path} is not a {kind} backup": "{path} 不是 {kind} 备份",
    "{url} already has tables": "{url} 中已有数据表",
    "the database is already migrated but {path} is missing": "数据库已迁移，但 {path} 不存在",
    "no access key {access_key}": "访问密钥 {access_key} 不存在",
    "no partner {partner_id}": "伙伴 {partner_id} 不存在",
    "must be 1-{maximum} characters": "须为 1-{maximum} 个字符",
    "must be 0 or more": "必须大于或等于 0",
    "must not be empty": "不能为空",
    "nothing on standard input": "标准输入为空",
    "a reseller receives quotas from its distributor, not from the platform": "云经销商的额度来自其总经销商，而非平台",
    "5-32 characters of a-z A-Z 0-9 _ -, not starting with a digit": "5-32 个 a-z A-Z 0-9 _ - 字符，不能以数字开头",
    "a mainland-China mobile such as 13800000000": "中国大陆手机号，例如 13800000000",
    "not a valid e-mail address (at most 64 characters, name@domain.tld)": "不是合法的电子邮箱地址（最多 64 个字符，形如 name@domain.tld）",
    # invitations and step-up
    "pending, used, expired or revoked": "pending、used、expired 或 revoked",
    "must not contain control characters": "不能包含控制字符",
    "1 (own mobile) or 2 (own e-mail)": "1（本账号手机）或 2（本账号邮箱）",
    "no {channel} on record": "未登记 {channel}",
    # console forms
    "must be a whole number": "必须是整数",
    "use YYYY-MM-DD": "请使用 YYYY-MM-DD",
    "tick at least one customer": "请至少勾选一个客户",
    "more customers than one batch may hold": "客户数量超过单次批量的上限",
    "enter a login name or a mobile number to check": "请输入要校验的登录名或手机号",
    "add at least one cloud reseller": "请至少添加一个云经销商",
    # associations and notifications
    "required, 1 to {maximum} characters": "必填，1 到 {maximum} 个字符",
    "1 (referral) or 2 (resale)": "1（顾问销售）或 2（代售）",
    "status {status}": "状态为 {status}",
    "must not be blank": "不能为空白",
    "required: {choices}": "必填：{choices}",
    "required for switch_type: 1 (referral) or 2 (resale)": "switch_type 时必填：1（顾问销售）或 2（代售）",
    "only with request_type switch_type": "仅在 request_type 为 switch_type 时可填",
    "that is the current type": "已经是当前的关联类型",
    "{count} in {days} days": "{days} 天内 {count} 次",
    "must not be after end_time": "不能晚于 end_time",
    "true or false": "true 或 false",
    # idempotency
    "the key is in use by a concurrent request": "该幂等键正被并发请求使用",
    "the key was already used for a different request": "该幂等键已用于另一个不同的请求",
}

# pydantic error type → (template, how to read its context). Anything not listed reads "is not valid".
_PYDANTIC: dict[str, tuple[str, dict[str, str]]] = {
    "missing": ("is required", {}),
    "int_type": ("must be an integer", {}),
    "int_parsing": ("must be an integer", {}),
    "int_from_float": ("must be an integer", {}),
    "string_type": ("must be a string", {}),
    "bool_type": ("must be a boolean", {}),
    "bool_parsing": ("must be a boolean", {}),
    "dict_type": ("must be an object", {}),
    "model_type": ("must be an object", {}),
    "model_attributes_type": ("must be an object", {}),
    "list_type": ("must be a list", {}),
    "string_too_long": ("at most {maximum} characters", {"maximum": "max_length"}),
    "string_too_short": ("at least {minimum} characters", {"minimum": "min_length"}),
    "too_long": ("may hold at most {maximum} items", {"maximum": "max_length"}),
    "literal_error": ("is not one of the documented values", {}),
    "enum": ("is not one of the documented values", {}),
    "extra_forbidden": ("is not allowed here", {}),
    "decimal_parsing": ("must be a decimal number or a numeric string", {}),
    "decimal_type": ("must be a decimal number or a numeric string", {}),
    "finite_number": ("must be a finite number", {}),
}


def from_validation(error_type: str, context: Mapping[str, Any] | None) -> tuple[str, dict[str, object]]:
    """The registered template and parameters for one pydantic error."""
    template, reads = _PYDANTIC.get(error_type, ("is not valid", {}))
    given = context or {}
    return template, {name: given.get(key, "") for name, key in reads.items()}


def render_detail(template: str, params: Mapping[str, object], language: str) -> str:
    text = template
    if language == "zh-cn":
        translated = ZH_CN.get(template)
        if translated is None:
            log.warning("error detail without a zh-cn reading", extra={"template": template})
        else:
            text = translated
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text
