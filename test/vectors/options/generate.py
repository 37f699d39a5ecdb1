"""Reference vectors for modules/options/pricing (Black-Scholes price and greeks).

    python3 test/vectors/options/generate.py   # needs mpmath (pip install mpmath==1.3.0)

Writes black-scholes.json beside this file. Tests read only the JSON (CI has no Python):
regenerate it when the grid changes, never edit it by hand. Every input is an exact
18-place decimal (what a Dec holds), so the references are the exact Black-Scholes values
of the inputs the code sees, computed with mpmath at 60 significant digits and rounded
half-even to 24 places (trailing zeros dropped). Conventions mirror modules/options/pricing/blackScholes.ts:
vega per 1.00 of volatility, theta per year (−∂V/∂T), and at T = 0 or zero volatility the
payoff on the forward with delta ±1/0 (±1/2 exactly at the money).
"""
import json
from decimal import ROUND_HALF_EVEN, Decimal, getcontext
from pathlib import Path

import mpmath
from mpmath import mpf

getcontext().prec = 200
mpmath.mp.dps = 60
PLACES = Decimal("1e-24")
SECONDS_PER_YEAR = 365 * 86400


def dec18(x):
    """An input as a Dec holds it: 18 places, half-even, as a plain string."""
    return format(Decimal(x).quantize(Decimal("1e-18"), rounding=ROUND_HALF_EVEN).normalize(), "f")


def years(seconds):
    """What yearsBetween(0, seconds) returns."""
    return dec18(Decimal(seconds) / Decimal(SECONDS_PER_YEAR))


def out(v):
    s = mpmath.nstr(v, 90, strip_zeros=False, min_fixed=-1000, max_fixed=1000)
    q = Decimal(s).quantize(PLACES, rounding=ROUND_HALF_EVEN)
    return "0" if q == 0 else format(q.normalize(), "f")


def greeks(kind, S, K, T, vol, r):
    S, K, T, vol, r = (mpf(x) for x in (S, K, T, vol, r))
    disc = mpmath.exp(-r * T)
    sign = 1 if kind == "call" else -1
    if T == 0 or vol == 0:
        gap = S - K * disc
        carry = r * K * disc if T != 0 else mpf(0)
        full_theta = -carry if kind == "call" else carry
        if gap == 0:
            return dict(price=0, delta=mpf(sign) / 2, gamma=0, vega=0, theta=full_theta / 2)
        if (gap > 0) == (kind == "call"):
            return dict(price=sign * gap, delta=sign, gamma=0, vega=0, theta=full_theta)
        return dict(price=0, delta=0, gamma=0, vega=0, theta=0)
    sd = vol * mpmath.sqrt(T)
    d1 = (mpmath.log(S / K) + (r + vol * vol / 2) * T) / sd
    d2 = d1 - sd
    N, n = mpmath.ncdf, mpmath.npdf
    if kind == "call":
        price = S * N(d1) - K * disc * N(d2)
        delta = N(d1)
        theta = -S * n(d1) * vol / (2 * mpmath.sqrt(T)) - r * K * disc * N(d2)
    else:
        price = K * disc * N(-d2) - S * N(-d1)
        delta = N(d1) - 1
        theta = -S * n(d1) * vol / (2 * mpmath.sqrt(T)) + r * K * disc * N(-d2)
    return dict(price=price, delta=delta, gamma=n(d1) / (S * sd), vega=S * n(d1) * mpmath.sqrt(T), theta=theta)


def case(group, S, K, T, vol, r="0"):
    inputs = dict(spot=dec18(S), strike=dec18(K), timeToExpiry=dec18(T), volatility=dec18(vol), rate=dec18(r))
    row = dict(group=group, **inputs)
    for kind in ("call", "put"):
        g = greeks(kind, *inputs.values())
        row[kind] = {k: out(mpf(v)) for k, v in g.items()}
    return row


HOUR, DAY = 3600, 86400
EXPIRIES = [HOUR, DAY, 7 * DAY, 30 * DAY, 180 * DAY, 730 * DAY]
MONEYNESS = ["0.2", "0.5", "0.8", "0.95", "1", "1.05", "1.25", "2", "5"]  # strike / spot
VOLS = ["0.05", "0.3", "1", "3"]
SPOTS = ["0.01", "1", "2500", "100000"]

cases = []
for S in SPOTS:
    for m in MONEYNESS:
        for e in EXPIRIES:
            for vol in VOLS:
                cases.append(case("grid", S, Decimal(S) * Decimal(m), years(e), vol))
for r in ["0.05", "-0.02"]:
    for S in ["1", "2500"]:
        for m in ["0.8", "1", "1.25"]:
            for e in [30 * DAY, 730 * DAY]:
                for vol in ["0.3", "1"]:
                    cases.append(case("rate", S, Decimal(S) * Decimal(m), years(e), vol, r))
# At expiry, and with zero volatility: the payoff on the forward.
for K in ["90", "100", "110"]:
    for r in ["0", "0.05"]:
        cases.append(case("expiry", "100", K, "0", "0.6", r))
        cases.append(case("zero-vol", "100", K, "1", "0", r))
# A volatility of 1e-9: Φ saturates unless the strike is within a few σ√T of the spot.
for K in ["2500", "2499.999999999", "2500.000000001", "2499.99", "2600"]:
    cases.append(case("tiny-vol", "2500", K, years(30 * DAY), "0.000000001"))
# The shortest expiry a Dec holds, and one second.
for T in ["0.000000000000000001", years(1)]:
    for K in ["100", "99.99", "100.01"]:
        cases.append(case("tiny-expiry", "100", K, T, "0.8"))
# Deep in and out of the money, saturated (small σ√T) and not (large σ√T).
for m in ["0.001", "0.02", "50", "1000"]:
    for vol, e in [("0.05", DAY), ("3", 730 * DAY)]:
        cases.append(case("deep", "3000", Decimal("3000") * Decimal(m), years(e), vol))
# The largest inputs the pricing accepts: σ = 100, T = 100 years (σ√T = 1000).
cases.append(case("extreme", "50", "60", "100", "100", "1"))
cases.append(case("extreme", "50", "60", "100", "100", "-1"))

doc = {
    "description": "Black-Scholes price and greeks (vega per 1.00 vol, theta per year) from mpmath at 60 digits, rounded half-even to 24 places",
    "generator": "test/vectors/options/generate.py",
    "cases": cases,
}
path = Path(__file__).with_name("black-scholes.json")
# Laid out as prettier lays out JSON, so that `prettier --check` passes on the file as written.
path.write_text(json.dumps(doc, indent=2) + "\n")
print(f"wrote {len(cases)} cases to {path}")
