"""The double-entry ledger: the only place money and voucher value move.

Public API (everything else in this package is internal):
* ``accounts``: ``AccountKey`` (owner kind, owner id, purpose, asset; its ``id`` is derived), ``Asset``
  (``CNY`` / ``CNY-VOUCHER``), ``TransferKind``, ``PLATFORM_CASH`` / ``PLATFORM_VOUCHER``, ``partner_cash()``,
  ``customer_funded()``, ``new_transaction_id(prefix, at)``.
* ``service``: ``transfer(session, debit=, credit=, amount_minor=, kind=, transaction_id=, at=,
  operator=, …)`` (raises ``InsufficientFunds``); ``lock_accounts(session, keys, at=)`` once before
  several transfers in one transaction; ``transfer_many(session, debit=, legs=[Leg…], …)`` for a fan-out
  from one account (each leg ``Moved`` or ``InsufficientFunds``); ``balance_of`` / ``balances_of``.
* ``verify``: ``verify_ledger(session)`` → ``LedgerReport`` (``partnerhub ledger verify``).
"""
