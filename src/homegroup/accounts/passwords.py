"""How easy a password is to guess (A-04), estimated by zxcvbn, with help toward a passphrase.

Django's own validators stay in front of this one (length, the common-password list, all
digits); this one catches what they let through: `aaaaaaaaaaaa`, `qwertyuiopas`, a name with a
year. zxcvbn rates a password 0-4 by the guesses an attacker would need, counting dictionary
words, keyboard walks, repeats, dates and the person's own name and address.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# zxcvbn refuses longer input (its matching grows fast with length); the first 72 characters of
# a long passphrase carry enough of it to judge.
CHECKED_LENGTH = 72
# zxcvbn keeps the user inputs in a module-level dictionary between calls: one at a time.
_zxcvbn_lock = threading.Lock()


def _own_words(user: Any) -> list[str]:
    """What an attacker who knows the account would try first: its name and email address."""
    found = [str(getattr(user, "email", "") or ""), str(getattr(user, "display_name", "") or "")]
    words = [part for text in found for part in re.split(r"[\s@._+-]+", text)]
    return [w for w in {*found, *words, "homegroup"} if len(w) >= 3]


def guessability_score(password: str, *, user: Any = None) -> int:
    """zxcvbn's score: 0 (guessed at once) to 4 (very unlikely to be guessed)."""
    with _zxcvbn_lock:
        result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=_own_words(user))
    return int(result["score"])


class PassphraseValidator:
    """An AUTH_PASSWORD_VALIDATORS entry: refuses a password zxcvbn scores below `min_score`."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        if guessability_score(password, user=user) < self.min_score:
            raise ValidationError(
                _(
                    "This password would be easy to guess. A passphrase works better: four or "
                    "more ordinary words that don't belong together, with spaces if you like, "
                    "are strong and easy to remember."
                ),
                code="password_easy_to_guess",
            )

    def get_help_text(self) -> str:
        return _("It must not be easy to guess: a passphrase of four or more unrelated words is.")
