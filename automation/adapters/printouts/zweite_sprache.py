"""Texts of the poster and the check-in list in the second language (``[darstellung] zweite_sprache``).

German stays first; these go beside it, with their own ``lang`` and ``dir``. The texts come from the catalogs
of the messages (``automation/adapters/mail/_sprachen``), so a missing translation fails the catalog test.
None when no second language (or German, or one without a catalog) is set.
"""

from __future__ import annotations

import datetime as dt

from automation.domain.sprachen import DEUTSCH, direction, language_code


def zweite(sprache: str, *, datum: dt.date | None = None) -> dict[str, str] | None:
    """Poster and check-in texts in the second language, plus ``lang``, ``dir`` and the long date."""
    code = language_code(sprache)
    if code == DEUTSCH:
        return None
    from automation.adapters.mail.render import date_long, translations

    _ = translations(code).gettext
    return {
        "lang": code,
        "dir": direction(code),
        "datum": date_long(datum, code) if datum is not None else "",
        # poster
        "frage": _("Neu hier, nur am Wochenende da oder oft unterwegs?"),
        "einladung": _(
            "Lernen Sie Vereine und Gruppen kennen. Kommen Sie ins Gespräch. "
            "Finden Sie etwas zum Mitmachen, das zu Ihrer Zeit passt."
        ),
        "eintritt": _("Eintritt frei."),
        "aufruf": _("Jetzt anmelden!"),
        # check-in list: the part walk-ins fill in themselves
        "ohne_anmeldung": _("Ohne Anmeldung gekommen"),
        "name": _("Name"),
        "begleitung": _("Begleitung"),
        "erreichbar": _("E-Mail oder Telefon (freiwillig, für Feedback und Einladungen)"),
        "einwilligung": _("Einwilligung"),
    }
