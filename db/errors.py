"""Errors the ledger raises. Every message is Chinese and names the field or record involved,
because it is shown to the secretary as is."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class: something the user asked for cannot be done; the message says why."""


class ValidationError(LedgerError):
    """One field has a bad value. `field` is the column name, `label` its Chinese name."""

    def __init__(self, field: str, label: str, reason: str):
        self.field = field
        self.label = label
        self.reason = reason
        super().__init__(f"{label}：{reason}")


class DuplicateMemberError(ValidationError):
    """The ID number already belongs to a live member."""

    def __init__(self, existing_id: int, existing_name: str):
        self.existing_id = existing_id
        self.existing_name = existing_name
        super().__init__(
            "id_number", "身份证号", f"该党员已报到，不能重复报到（已登记为：{existing_name}）"
        )


class NotFoundError(LedgerError):
    pass


class WorkflowError(LedgerError):
    """An order or record was asked to move to a state it cannot reach from where it is."""


class RuleError(LedgerError):
    """A structural rule (grid levels, cycles, deletions still referenced) was broken."""


class LedgerVersionError(LedgerError):
    """The file was written by a newer app, or is not a ledger at all."""


class DamagedLedgerError(LedgerVersionError):
    """The file is not a readable ledger: another file type, or a ledger damaged on disk."""


class AccessDeniedError(LedgerError):
    """The logged-in user's role does not allow this."""


class LoginError(LedgerError):
    """Wrong user name or password, or a try made before the waiting time is over."""

    def __init__(self, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.wait_seconds = wait_seconds
