"""The one registry of ``CBC.*`` error codes and the exception every layer raises.

A code carries its HTTP status and a message in zh-cn and en-us. Services raise ``ApiError("CBC.xxxx")``;
the app's handlers render ``{"error_code", "error_msg"}`` in the language the caller asked for
(``X-Language``). Batch operations put the same pair into ``error_details`` with HTTP 200.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from partnerhub.error_details import render_detail

Language = Literal["zh-cn", "en-us"]


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    zh: str
    en: str

    def message(self, language: Language) -> str:
        return self.zh if language == "zh-cn" else self.en


_CODES: list[ErrorCode] = [
    ErrorCode("CBC.0000", 200, "成功。", "Success."),
    ErrorCode("CBC.0100", 400, "参数错误。", "Invalid parameter."),
    ErrorCode("CBC.0101", 400, "参数无效。", "Parameter value not allowed."),
    ErrorCode("CBC.0150", 403, "非法操作。", "Illegal operation."),
    ErrorCode("CBC.0151", 403, "访问拒绝。", "Access denied."),
    ErrorCode("CBC.0154", 401, "token非法/过期。", "The token is invalid or has expired."),
    ErrorCode("CBC.0155", 403, "不允许执行当前请求。", "The current request is not allowed."),
    ErrorCode(
        "CBC.0156",
        401,
        "登录名或密码错误。服务器日志按本响应的 X-Request-Id 记录了原因。",
        "Incorrect login name or password. The server log holds the reason under this response's X-Request-Id.",
    ),
    ErrorCode("CBC.0250", 429, "消息流量控制。", "Too many requests; slow down and retry later."),
    ErrorCode("CBC.0404", 404, "请求的资源不存在。", "The requested resource does not exist."),
    ErrorCode("CBC.0405", 405, "请求方法不允许。", "Method not allowed."),
    ErrorCode("CBC.0409", 409, "请求冲突。", "The request conflicts with another request."),
    ErrorCode("CBC.0413", 413, "请求体过大。", "Request body too large."),
    ErrorCode("CBC.0415", 415, "不支持的媒体类型。", "Unsupported media type; send application/json."),
    ErrorCode("CBC.0460", 400, "客户账号未冻结。", "The customer account is not frozen."),
    ErrorCode("CBC.0501", 501, "该功能尚未实现。", "Not implemented."),
    ErrorCode("CBC.0503", 503, "系统繁忙，请稍后重试。", "The service is busy; retry shortly."),
    ErrorCode("CBC.0999", 500, "其他错误。", "Unexpected error."),
    ErrorCode("CBC.5001", 400, "非合作伙伴。", "Not a partner."),
    ErrorCode("CBC.5002", 400, "合作伙伴的客户不存在。", "The partner's customer does not exist."),
    ErrorCode("CBC.5003", 400, "余额不足。", "Insufficient balance."),
    ErrorCode("CBC.5017", 400, "客户手机号格式不合法。", "Invalid mobile number format."),
    ErrorCode(
        "CBC.5021",
        400,
        "顾问销售模式下不能给客户调账和回收。",
        "Funds cannot be adjusted or reclaimed for customers associated in Referral mode.",
    ),
    ErrorCode(
        "CBC.5024",
        400,
        "客户的关联类型不支持调用该接口。",
        "This API cannot be invoked because of the customer's association type.",
    ),
    ErrorCode(
        "CBC.50010065",
        400,
        "该伙伴是云经销商,其关联的总经销商已经摘牌退出,无法拓客创建关联关系。",
        "The reseller's distributor has exited; no new customers can be associated.",
    ),
    ErrorCode(
        "CBC.50010085",
        400,
        "该伙伴企业目前处于受限状态,无法拓客创建关联关系。",
        "The partner is restricted and cannot associate new customers.",
    ),
    ErrorCode(
        "CBC.50010086",
        400,
        "该伙伴是云经销商,其关联的总经销商企业目前处于受限状态,无法拓客创建关联关系。",
        "The reseller's distributor is restricted; no new customers can be associated.",
    ),
    ErrorCode(
        "CBC.50010105",
        400,
        "无法给退出中的云经销商发放代金券额度。",
        "A reseller that is exiting cannot receive quotas.",
    ),
    ErrorCode("CBC.8214", 400, "用户账号已被冻结。", "The subscriber account is locked."),
    ErrorCode("CBC.99000000", 400, "无对该客户的操作权限。", "No permission to operate on this customer."),
    ErrorCode(
        "CBC.99000012",
        400,
        "额度不存在或者额度状态不正确。",
        "The quota does not exist or is in a wrong state.",
    ),
    ErrorCode("CBC.99000013", 400, "优惠券额度不足。", "Insufficient coupon quota."),
    ErrorCode(
        "CBC.99000014",
        400,
        "该券不能发给该合作类型的客户。",
        "The coupon cannot be issued to this association type.",
    ),
    ErrorCode("CBC.99000015", 400, "此状态的额度不支持发放。", "A quota in this state cannot be issued."),
    ErrorCode(
        "CBC.99000017", 400, "额度未生效或者已过期。", "The quota is not effective yet or has expired."
    ),
    ErrorCode("CBC.99000018", 400, "券面值不得小于最小值。", "The face value is below the minimum."),
    ErrorCode("CBC.99000019", 400, "券面值不得大于最大值。", "The face value exceeds the maximum."),
    ErrorCode(
        "CBC.99000023",
        400,
        "券的云服务限制、产品限制超出额度的限制。",
        "The coupon's limits exceed the quota's limits.",
    ),
    ErrorCode("CBC.99000026", 400, "验证码错误。", "Incorrect verification code."),
    ErrorCode("CBC.99000027", 400, "验证码过期。", "Expired verification code."),
    ErrorCode("CBC.99000029", 400, "客户手机号已经存在。", "The mobile number already exists."),
    ErrorCode(
        "CBC.99000030", 400, "手机号注册数量超过上限。", "The mobile number exceeds the registration limit."
    ),
    ErrorCode("CBC.99000031", 400, "客户登录名格式不合法。", "Invalid DomainName."),
    ErrorCode("CBC.99000035", 400, "非合作伙伴子客户。", "Not a sub-customer of the partner."),
    ErrorCode("CBC.99000036", 400, "客户密码格式不合法。", "Invalid password."),
    ErrorCode(
        "CBC.99000037", 400, "您没有操作该云经销商的权限。", "You have no permission on this cloud reseller."
    ),
    ErrorCode("CBC.99000038", 400, "客户登录名已经存在。", "The login name already exists."),
    ErrorCode("CBC.99000039", 400, "xaccountId重复。", "Duplicate xaccount_id."),
    ErrorCode(
        "CBC.99000045",
        400,
        "不能回收发给顾问销售子客户的券。",
        "Coupons of Referral customers cannot be reclaimed.",
    ),
    ErrorCode(
        "CBC.99000047",
        400,
        "可回收金额的子客户拨款账户不存在。",
        "The customer has no partner-funded account.",
    ),
    ErrorCode(
        "CBC.99000048",
        400,
        "该券已经过期或者已经被回收。",
        "The coupon has expired or was already reclaimed.",
    ),
    ErrorCode(
        "CBC.99000082",
        400,
        "客户发送验证码次数超出限制。",
        "The customer has sent too many verification codes.",
    ),
    ErrorCode("CBC.99000100", 400, "证件附件文件格式不正确。", "Invalid attachment file format."),
    ErrorCode(
        "CBC.99004003",
        500,
        "验证码生成成功但发送失败。",
        "The verification code was generated but could not be sent.",
    ),
    ErrorCode(
        "CBC.99003656",
        400,
        "已冻结,不能执行此操作。",
        "The account is already frozen; this operation cannot be performed.",
    ),
    ErrorCode("CBC.99004008", 400, "有验证码,但是已经失效。", "The verification code has expired."),
    ErrorCode(
        "CBC.99004009",
        400,
        "有验证码,但是校验失败次数已经大于3。",
        "The verification code failed more than 3 checks and is no longer valid.",
    ),
    ErrorCode("CBC.99004010", 400, "校验客户端输入的验证码错误。", "Incorrect verification code."),
    ErrorCode(
        "CBC.99004015",
        400,
        "发送验证码次数已达到上限(15次/小时,60次/天)。",
        "Verification code send limit reached (15 per hour, 60 per day).",
    ),
    ErrorCode(
        "CBC.99004016",
        400,
        "发送验证码过于频繁,请稍后再试。",
        "A code was sent to this address moments ago; retry later.",
    ),
    ErrorCode(
        "CBC.99004017",
        400,
        "伙伴当日发送验证码次数已达到上限。",
        "The partner has reached its daily verification code limit.",
    ),
    ErrorCode("CBC.99005003", 400, "余额不足。", "Insufficient balance."),
    ErrorCode(
        "CBC.99007188",
        400,
        "该客户已经实名认证或者实名认证在审核中。",
        "The customer is already verified or under review.",
    ),
    ErrorCode(
        "CBC.99007189",
        400,
        "使用该证件号进行实名认证的客户数已经超过系统规定。",
        "Too many customers have authenticated with this ID number.",
    ),
    ErrorCode(
        "CBC.99007191", 400, "客户实名认证次数超过最大配置值。", "Too many real-name authentication attempts."
    ),
    ErrorCode("CBC.99007202", 400, "实名认证校验失败。", "Real-name authentication failed."),
    ErrorCode(
        "CBC.99007255",
        400,
        "持卡人身份信息或手机号输入不正确。",
        "The cardholder's identity or mobile number is incorrect.",
    ),
    # first-hour (operator CLI): the data a command needs is not there; the message says what to run.
    ErrorCode(
        "CBC.99100601",
        503,
        "数据库尚未初始化或未迁移到最新版本，请运行 `partnerhub db upgrade`。",
        "The database is missing or not migrated; run `partnerhub db upgrade`.",
    ),
    ErrorCode(
        "CBC.99100602",
        503,
        "无法连接数据库，请检查 PARTNERHUB_DATABASE_URL 及数据库服务。",
        "The database cannot be reached; check PARTNERHUB_DATABASE_URL and that the database server runs.",
    ),
    ErrorCode(
        "CBC.99100603",
        503,
        "找不到主密钥，请设置 PARTNERHUB_MASTER_KEY 或恢复数据目录中的 master.key。",
        "The master key is missing; set PARTNERHUB_MASTER_KEY or restore master.key in the data directory.",
    ),
    # backup and restore (operator CLI, CBC.991005xx)
    ErrorCode(
        "CBC.99100501",
        500,
        "备份或恢复失败，数据库未被改动。",
        "The backup or restore failed; nothing was changed.",
    ),
    ErrorCode(
        "CBC.99100503",
        409,
        "恢复的目标数据库不为空；请恢复到一个新建的空数据库。",
        "The restore target already holds data; restore into a new, empty database.",
    ),
    # Reseller invitations and public registration (partnerhub, CBC.991002xx).
    ErrorCode("CBC.99100201", 404, "邀请不存在。", "The invitation does not exist."),
    ErrorCode("CBC.99100202", 404, "注册链接无效。", "The registration link is not valid."),
    ErrorCode(
        "CBC.99100203",
        410,
        "注册链接已过期，请联系总经销商重新邀请。",
        "The registration link has expired; ask the distributor for a new invitation.",
    ),
    ErrorCode("CBC.99100204", 410, "注册链接已被使用。", "The registration link has already been used."),
    ErrorCode("CBC.99100205", 410, "注册链接已被撤销。", "The registration link has been revoked."),
    ErrorCode(
        "CBC.99100206",
        409,
        "只能撤销尚未使用的邀请。",
        "Only an invitation that is still pending can be revoked.",
    ),
    ErrorCode(
        "CBC.99100207",
        400,
        "该注册链接发送验证码次数已达上限，请联系总经销商重新邀请。",
        "This registration link has sent all the verification codes it may; ask for a new invitation.",
    ),
    ErrorCode(
        "CBC.99100208",
        400,
        "邀请方总经销商当前无法发展云经销商。",
        "The inviting distributor cannot take new resellers at the moment.",
    ),
    # Step-up verification and partner settings (partnerhub, CBC.991003xx).
    ErrorCode(
        "CBC.99100301",
        403,
        "该敏感操作需要验证码验证身份，请获取验证码后重试。",
        "This sensitive operation needs a step-up verification code; request one and retry with it.",
    ),
    ErrorCode("CBC.99100302", 403, "身份验证码错误。", "Incorrect step-up verification code."),
    ErrorCode("CBC.99100303", 403, "身份验证码已过期。", "The step-up verification code has expired."),
    ErrorCode(
        "CBC.99100304",
        403,
        "身份验证码校验失败次数过多，请重新获取。",
        "The step-up verification code failed too many checks; request a new one.",
    ),
    ErrorCode(
        "CBC.99100305",
        400,
        "未登记该渠道的手机号或邮箱。",
        "No mobile number or e-mail address is on record for this channel.",
    ),
    # console (web partner center, CBC.991004xx).
    ErrorCode(
        "CBC.99100401",
        403,
        "表单已失效或并非来自本站，请刷新页面后重试。",
        "The form has expired or did not come from this site; reload the page and try again.",
    ),
    ErrorCode("CBC.99100402", 401, "登录已过期，请重新登录。", "Your session has ended; sign in again."),
    ErrorCode(
        "CBC.99100403",
        400,
        "两次输入的新密码不一致。",
        "The new password and its confirmation differ.",
    ),
    ErrorCode(
        "CBC.99100405",
        404,
        "访问密钥不存在。",
        "No such access key.",
    ),
    # Reliability (CBC.991005xx; CBC.99100501 belongs to backup/restore).
    ErrorCode(
        "CBC.99100502",
        503,
        "服务暂时不可用（数据库无法访问或磁盘已满），请稍后用同一 X-Client-Token 重试。",
        "The service is temporarily unavailable (database unreachable or disk full); retry shortly with the "
        "same X-Client-Token.",
    ),
    # Associations (association requests, records, invitations, notifications): CBC.991001xx.
    ErrorCode(
        "CBC.99100101",
        400,
        "该客户已有一个待处理的关联申请。",
        "The customer already has a pending association request.",
    ),
    ErrorCode(
        "CBC.99100102",
        400,
        "该客户的解除关联申请次数已达本周期上限。",
        "The limit of disassociation requests for this customer in the current period has been reached.",
    ),
    ErrorCode(
        "CBC.99100103",
        400,
        "客户账号已冻结,请先解冻。",
        "The customer account is frozen; unfreeze it first.",
    ),
    ErrorCode(
        "CBC.99100104",
        400,
        "关联类型只能在顾问销售(1)和代售(2)之间切换,且不能切换为当前类型。",
        "The association type switches between referral (1) and resale (2) only, never to the current type.",
    ),
    ErrorCode(
        "CBC.99100105", 400, "该关联申请已不是待处理状态。", "The association request is no longer pending."
    ),
    ErrorCode(
        "CBC.99100106",
        400,
        "申请发起方不能同意或拒绝自己的申请。",
        "The initiator cannot approve or reject its own request.",
    ),
    ErrorCode(
        "CBC.99100107", 400, "只有申请发起方可以撤销申请。", "Only the initiator can cancel the request."
    ),
    ErrorCode("CBC.99100108", 404, "关联申请不存在。", "The association request does not exist."),
    ErrorCode("CBC.99100109", 400, "您当前没有关联的合作伙伴。", "You are not associated with a partner."),
    ErrorCode(
        "CBC.99100110",
        400,
        "请先绑定手机号或邮箱以接收验证码。",
        "Bind a mobile number or an e-mail address first to receive verification codes.",
    ),
    ErrorCode("CBC.99100111", 404, "关联邀请不存在。", "The association invitation does not exist."),
    ErrorCode(
        "CBC.99100112",
        400,
        "关联邀请已失效(已过期、已接受或已被替代)。",
        "The invitation is no longer valid (expired, accepted or superseded).",
    ),
    ErrorCode(
        "CBC.99100113",
        400,
        "您已关联合作伙伴,请先解除关联。",
        "You are already associated with a partner; disassociate first.",
    ),
    ErrorCode("CBC.99100114", 404, "通知不存在。", "The notification does not exist."),
]

REGISTRY: dict[str, ErrorCode] = {entry.code: entry for entry in _CODES}

# Authentication failures share one body whatever the cause, so a caller cannot probe which part failed.
AUTH_FAILURE_CODE = "APIGW.0301"
AUTH_FAILURE_MESSAGE = (
    "Incorrect IAM authentication information: verify aksk signature fail"
    " (the server log holds the reason under this response's X-Request-Id)"
)


def lookup(code: str) -> ErrorCode:
    return REGISTRY[code]


class ApiError(Exception):
    """An expected failure with a registered code. ``field`` names the offending input, when there is one."""

    def __init__(
        self,
        code: str,
        *,
        field: str | None = None,
        detail: str | None = None,
        params: Mapping[str, object] | None = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        if code not in REGISTRY:
            raise KeyError(f"unregistered error code {code}")
        super().__init__(code)
        self.code = code
        self.field = field
        self.detail = detail
        """An English template registered in ``error_details`` (translated when rendered), filled from ``params``."""
        self.params = dict(params or {})
        self.headers = headers or {}
        self.keep_changes = keep_changes
        """Commit the transaction's work before answering with this error (e.g. a failed-attempt counter)."""
        self.followups: list[Callable[[Session], None]] = []
        """Work for a fresh transaction once this error's own transaction has ended (committed with
        ``keep_changes``, else rolled back), e.g. the audit event of a refusal. ``session_scope`` runs them."""

    @property
    def status(self) -> int:
        return REGISTRY[self.code].status

    def message(self, language: Language) -> str:
        base = REGISTRY[self.code].message(language)
        detail = render_detail(self.detail, self.params, language) if self.detail else None
        extra = [part for part in (self.field, detail) if part]
        if not extra:
            return base
        if language == "zh-cn":
            return base.rstrip("。") + "：" + "，".join(extra)
        return base.rstrip(".") + ": " + ", ".join(extra)

    def as_detail(self, language: Language, item_id: str) -> dict[str, str]:
        """The ``error_details`` entry of a batch operation."""
        return {"error_code": self.code, "error_msg": self.message(language), "id": item_id}


class AuthenticationFailed(Exception):
    """Any AK/SK failure. Rendered as one fixed 401 body; the reason is only for the server's own log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invalid(field: str, detail: str | None = None, **params: object) -> ApiError:
    """Shorthand for the generic parameter error naming its field; ``detail`` is a registered template."""
    return ApiError("CBC.0100", field=field, detail=detail, params=params)
