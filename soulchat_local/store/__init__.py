"""The private history: sessions and messages in one SQLite file."""

from .store import MessageRow, SearchHit, SessionRow, Store

__all__ = ["MessageRow", "SearchHit", "SessionRow", "Store"]
