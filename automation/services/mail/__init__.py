"""Sending messages exactly once: the use cases around the ``Versand`` ledger.

- ``dispatch``: sending with the ``Versand`` tab as a ledger; its transitions are the one table in
  ``automation.domain.ledger`` (``automation.domain.mail.ledger`` applies them to the rows), the fail-closed
  gate is ``automation.domain.gate``. Its pieces: ``automation.adapters.mail.building`` (the e-mail),
  ``automation.domain.mail.findings`` (German findings), ``automation.adapters.mail.pacing`` and
  ``automation.adapters.mail.progress``.
- ``step``: :class:`SendMessagesStep` for ``sync``; ``commands``: ``einladen``, ``versand wiederholen``.
"""
