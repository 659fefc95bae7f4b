"""Failed logins slow down the one who fails, never the whole school.

Behind a collège's NAT every pupil shares one address, and logins are guessable ``prenom.nom``:
a limit per address alone locks the school out, a lockout per account lets anyone lock out its
owner. Failures are therefore counted in several places, each with its own allowance. Past it,
the next attempt there waits a delay that doubles at each failure (1 s, 2 s, 4 s… up to
``ENT_LOGIN_MAX_DELAY_SECONDS``) and then gets one try. Nothing locks for good: every delay
ends, and a count is forgotten after a quiet spell (``FORGET_SECONDS``).

- one account from one address: a guesser behind the school's NAT slows down on that account;
  its owner in the same room waits at most the current delay;
- one account from every address: guesses spread over many addresses;
- one address over all accounts: a rate, sized for a whole establishment behind it;
- a trusted device: a browser where the account logged in keeps a signed token for it (OWASP's
  « device cookies »). Its attempts count on that device alone, so the owner's own phone is
  not slowed by anyone else's failures, wherever they come from.

While a delay runs the password is not checked at all: a right guess accepted then would tell.
A login that succeeds costs one cache read, so the 8 o'clock rush is not slowed. The login form
(through the account adapter) and the activation form (a wrong code counts as a wrong
password) share these counts.
"""

import hashlib
import math
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .client_ip import client_network
from .errors import ApplicationError
from .french import count_label

DEVICE_COOKIE = "ent_appareil"
DEVICE_SALT = "ent.login_limits.device"
DEVICE_DAYS = 365
# A browser shared by a family or a computer room trusts this many accounts, the latest ones.
DEVICE_MAX_LOGINS = 10
# A count with no new failure for this long starts again from zero.
FORGET_SECONDS = 15 * 60
# An attempt allowed once a delay has run holds its turn this long at most.
TURN_SECONDS = 30


def now():
    return time.time()


class LoginDelayed(ApplicationError):
    """An attempt refused unchecked: ``seconds`` before the next one is allowed."""

    def __init__(self, *, seconds, per_address=False):
        self.seconds = max(1, math.ceil(seconds))
        self.per_address = per_address
        super().__init__(self.message)

    @property
    def message(self):
        if self.seconds < 120:
            wait = count_label(self.seconds, "seconde")
        else:
            wait = count_label(math.ceil(self.seconds / 60), "minute")
        where = "depuis votre réseau" if self.per_address else "pour cet identifiant"
        return f"Trop d'essais infructueux {where} : réessayez dans {wait}."


@dataclass
class Attempt:
    """One login or activation attempt between its check and its outcome."""

    counts: list = field(default_factory=list)  # cache keys of the counts a failure adds to
    window: str | None = None  # the per-address rate's current window, charged on failure
    turns: list = field(default_factory=list)  # turns held after a delay, released at the end


def _digest(*parts):
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def login_normalize(login):
    return (login or "").strip().casefold()


def _delay(failures, allowed):
    """Seconds to wait after the last failure once ``failures`` have been counted."""
    excess = failures - allowed
    if excess < 0:
        return 0
    return min(settings.ENT_LOGIN_MAX_DELAY_SECONDS, 2 ** min(excess, 30))


def _forget_seconds():
    return max(FORGET_SECONDS, 3 * settings.ENT_LOGIN_MAX_DELAY_SECONDS)


def _window(at):
    amount, seconds = settings.ENT_LOGIN_ADDRESS_FAILURES
    return amount, seconds, int(at // seconds)


# --- Trusted devices -------------------------------------------------------------------------

def _device_entries(request):
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return []
    try:
        entries = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2
            and all(isinstance(part, str) for part in e)]


def _device_name(login):
    # The cookie is signed, not encrypted: on a shared computer it must not list who used it.
    return salted_hmac(DEVICE_SALT, login_normalize(login)).hexdigest()[:20]


def device_token(*, request, login):
    """This browser's token for ``login`` if the account logged in from it, else ``None``."""
    name = _device_name(login)
    return next((token for entry, token in _device_entries(request) if entry == name), None)


def device_trust(*, request, response, login):
    """Remember on ``response`` that ``login`` logged in from this browser."""
    name = _device_name(login)
    entries = _device_entries(request)
    token = next((t for entry, t in entries if entry == name), None) or secrets.token_hex(8)
    entries = [[name, token]] + [e for e in entries if e[0] != name]
    response.set_cookie(
        DEVICE_COOKIE, signing.dumps(entries[:DEVICE_MAX_LOGINS], salt=DEVICE_SALT, compress=True),
        max_age=DEVICE_DAYS * 86400, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
        samesite="Lax")


# --- Attempts --------------------------------------------------------------------------------

def _counts_for(request, login):
    """The counts that apply to this attempt, each as (cache key, failures allowed)."""
    token = device_token(request=request, login=login)
    if token:
        return [(f"ent:login:device:{_digest(login, token)}",
                 settings.ENT_LOGIN_FAILURES_BEFORE_DELAY)], None
    address = client_network(request)
    return [
        (f"ent:login:pair:{_digest(login, address)}", settings.ENT_LOGIN_FAILURES_BEFORE_DELAY),
        (f"ent:login:account:{_digest(login)}", settings.ENT_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY),
    ], f"ent:login:address:{_digest(address)}"


def _turns_release(turns):
    if turns:
        cache.delete_many(turns)


def attempt_begin(*, request, login):
    """Check that ``login`` may be tried now from this request; raise ``LoginDelayed`` if not.

    Returns the ``Attempt`` to close with ``attempt_failed`` or ``attempt_succeeded``.
    """
    login = login_normalize(login)
    at = now()
    counts, address_key = _counts_for(request, login)
    keys = [k for key, _ in counts for k in (key, f"{key}:last")]
    window_key = None
    if address_key:
        amount, seconds, index = _window(at)
        window_key = f"{address_key}:{index}"
        keys += [window_key, f"{address_key}:{index - 1}"]
    values = cache.get_many(keys)

    if window_key:
        current = values.get(window_key, 0)
        previous = values.get(f"{address_key}:{index - 1}", 0)
        elapsed = (at % seconds) / seconds
        # A sliding window: the previous one weighs as much as it still overlaps.
        if current + previous * (1 - elapsed) >= amount:
            if current >= amount:
                wait = seconds * (1 - elapsed) + 1
            else:
                wait = seconds * (1 - (amount - current) / previous - elapsed)
            raise LoginDelayed(seconds=wait, per_address=True)

    attempt = Attempt(counts=[key for key, _ in counts], window=window_key)
    for key, allowed in counts:
        failures = values.get(key, 0)
        delay = _delay(failures, allowed)
        if not delay:
            continue
        # Counted but not yet dated: a failure still being recorded, as recent as can be.
        last = values.get(f"{key}:last", at)
        if at < last + delay:
            _turns_release(attempt.turns)
            raise LoginDelayed(seconds=last + delay - at)
        # One attempt per delay run out: concurrent ones would all be tried otherwise.
        turn = f"{key}:turn:{failures}"
        if not cache.add(turn, 1, timeout=TURN_SECONDS):
            _turns_release(attempt.turns)
            raise LoginDelayed(seconds=1)
        attempt.turns.append(turn)
    return attempt


def _increment(key, timeout):
    try:
        value = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=timeout):
            return 1
        value = cache.incr(key)
    cache.touch(key, timeout)
    return value


def attempt_failed(*, attempt):
    at = now()
    forget = _forget_seconds()
    for key in attempt.counts:
        _increment(key, forget)
    cache.set_many({f"{key}:last": at for key in attempt.counts}, timeout=forget)
    if attempt.window:
        _increment(attempt.window, 2 * settings.ENT_LOGIN_ADDRESS_FAILURES[1])
    _turns_release(attempt.turns)


def attempt_succeeded(*, attempt):
    # The failures stay counted: a guesser's count is not wiped by someone else's success.
    _turns_release(attempt.turns)


def account_forget(*, login):
    """After a password reset: the account's own count starts again (its owner proved who
    they are by mail); the counts per address stay."""
    key = f"ent:login:account:{_digest(login_normalize(login))}"
    cache.delete_many([key, f"{key}:last"])
