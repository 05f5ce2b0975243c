"""The ledger (报到台账): SQLite storage, records, validation and rules. No Qt here."""

from .errors import (
    DamagedLedgerError,
    DuplicateMemberError,
    LedgerError,
    LedgerVersionError,
    NotFoundError,
    RuleError,
    ValidationError,
    WorkflowError,
)
from .ledger import SCHEMA_VERSION, Ledger
from .opening import open_ledger

__all__ = [
    "SCHEMA_VERSION", "DamagedLedgerError", "DuplicateMemberError", "Ledger", "LedgerError", "LedgerVersionError",
    "NotFoundError", "RuleError", "ValidationError", "WorkflowError", "open_ledger",
]
