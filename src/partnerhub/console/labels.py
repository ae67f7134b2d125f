"""Names shown for the API's codes (statuses, types, audit actions); translated when a page renders."""

from __future__ import annotations

from partnerhub.console.nav import N_

AUDIT_ACTIONS = {
    "customer.reveal": N_("Revealed a customer's data"),
    "reseller.reveal": N_("Revealed a reseller's data"),
    "access_key.create": N_("Created an access key"),
    "access_key.revoke": N_("Revoked an access key"),
    "settings.step_up": N_("Changed verification-code setting"),
    "stepup.failed": N_("Verification code refused"),
    "partner.password": N_("Changed the password"),
}
REVEAL_FIELDS = {"telephone": N_("mobile number"), "email": N_("e-mail"), "customer": N_("real name")}
ASSOCIATION_TYPES = {"1": N_("Referral"), "2": N_("Resale")}
COUPON_STATUSES = {1: N_("Inactive"), 2: N_("Usable"), 3: N_("Used"), 4: N_("Expired"), 5: N_("Reclaimed")}
COUPON_TYPES = {1: N_("Voucher"), 4: N_("Cash coupon")}
COUPON_OPERATIONS = {
    "1": N_("Issued"),
    "2": N_("Reclaimed"),
    "3": N_("Reclaimed at disassociation"),
    "4": N_("Expired"),
}
QUOTA_STATUSES = {0: N_("Normal"), 3: N_("Invalid"), 4: N_("Adjusting"), 5: N_("Frozen"), 6: N_("Reclaimed")}
QUOTA_OPERATIONS = {"10": N_("Issued"), "11": N_("Reclaimed")}
ADJUST_OPERATIONS = {
    "SOURCE_OPERATION_BEADJUST": N_("Funding"),
    "SOURCE_OPERATION_BERETRIEVE": N_("Reclaim"),
    "SOURCE_OPERATION_BEUNBIND": N_("Reclaim at disassociation"),
}
TRADE_DETAILS = {
    "SOURCE_OPERAIION_RECHARGE": N_("Top-up"),
    **ADJUST_OPERATIONS,
}
FREEZE_STATES = {0: N_("Active"), 1: N_("Frozen"), 2: N_("Frozen with resources")}


def label(table: dict[object, str], key: object) -> str:
    """The message id for ``key`` (the raw value when the table does not know it)."""
    return table.get(key, str(key))
