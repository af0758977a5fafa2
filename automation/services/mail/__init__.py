"""Messages to residents: which are due, how they look, how each is sent exactly once.

- ``kinds``: the message kinds and their idempotency key (``Art|Termin-ID|Kontakt-ID``).
- ``due``: *where messages are chosen* – who gets an invitation, a confirmation, a reminder …
- ``render`` / ``ics`` / ``compose``: templates (``vorlagen/mail``), calendar file, the e-mail itself.
- ``senders``: the outbox folder (default) and SMTP, behind one small interface.
- ``dispatch``: the ``Versand`` tab as a ledger (geplant → wird gesendet → gesendet | fehlgeschlagen).
- ``step``: :class:`SendMessagesStep` for ``sync``.
"""
