"""The text of a code message, per scene and language (zh-cn / en-us)."""

from __future__ import annotations

from dataclasses import dataclass

_PURPOSES: dict[int, tuple[str, str]] = {
    18: ("个人银行卡实名认证", "bank-card real-name authentication"),
    29: ("注册", "registration"),
    30: ("绑定手机号", "binding your mobile number"),
    31: ("身份验证", "identity verification"),
    32: ("经销商邀请", "a reseller invitation"),
    40: ("处理合作伙伴关联申请", "deciding on a partner association request"),
}
MASK = "******"


@dataclass(frozen=True)
class MessageText:
    subject: str
    body: str


def compose(*, brand: str, scene: int, language: str, code: str, minutes: int) -> MessageText:
    zh_purpose, en_purpose = _PURPOSES.get(scene, ("身份验证", "identity verification"))
    if language == "en-us":
        return MessageText(
            subject=f"[{brand}] Verification code",
            body=(
                f"[{brand}] Your verification code for {en_purpose} is {code}. It is valid for {minutes} "
                "minutes. Never share it with anyone."
            ),
        )
    return MessageText(
        subject=f"【{brand}】验证码",
        body=f"【{brand}】您正在进行{zh_purpose}，验证码为{code}，{minutes}分钟内有效。请勿将验证码告诉他人。",
    )


def masked(body: str, code: str) -> str:
    """The body with the code blanked out: what a production sender may keep."""
    return body.replace(code, MASK)
