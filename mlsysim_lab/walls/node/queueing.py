"""Wall 7: tail latency. An M/M/c queue in front of c identical servers (replicas).

Requests arrive as a Poisson stream at rate lambda; each takes an exponential service
time with mean S (rate mu = 1/S) on one of c servers (Erlang 1917; Kleinrock, "Queueing
Systems, Vol. 1", 1975, section 3.5; Harchol-Balter, "Performance Modeling and Design of
Computer Systems", 2013, ch. 14):

    offered load A = lambda S,   utilisation rho = A / c          (must be < 1)
    Erlang C  P(wait) = B / (1 - rho (1 - B)),   with Erlang B by the recursion
              B_0 = 1, B_k = A B_{k-1} / (k + A B_{k-1})
    W_q: P(W_q > t) = P(wait) exp(-(c mu - lambda) t),  E[W_q] = P(wait) / (c mu - lambda)
    response T = W_q + service; with theta = c mu - lambda (theta != mu):
    P(T > t) = (1 - P(wait)) e^{-mu t} + P(wait) (theta e^{-mu t} - mu e^{-theta t}) / (theta - mu)

The p-th percentile of T is found by bisection on that survival function (vectorised).
At rho >= 1 there is no steady state: the queue grows without bound, every latency is
NaN and ``stable`` is False.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsysim_lab import _vector as vec
from mlsysim_lab._vector import Number
from mlsysim_lab.units import UnitError, to_base, to_count
from mlsysim_lab.walls import names

_BISECTION_STEPS = 80


@dataclass(frozen=True, slots=True)
class QueueResult:
    """Steady-state M/M/c figures (NaN latencies where the queue is unstable)."""

    utilisation: Number
    probability_of_wait: Number
    mean_wait_s: Number
    mean_latency_s: Number
    percentile: float
    percentile_latency_s: Number
    stable: Any
    binding_wall: str

    @property
    def feasible(self) -> Any:
        """A queue is a feasible operating point only if it has a steady state."""
        return self.stable

    @property
    def explanation(self) -> str:
        """The verdict in words (for scalar results)."""
        if not bool(np.all(self.stable)):
            return (f"utilisation {np.max(self.utilisation):.2f} >= 1: requests arrive "
                    "faster than the servers finish them, the queue grows without bound "
                    "and there is no steady-state latency")
        return (f"utilisation {np.max(self.utilisation):.2f}: a request waits with "
                f"probability {np.max(self.probability_of_wait):.2f}")

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self)


def erlang_c(offered_load: Number, servers: Number) -> Number:
    """Probability that an arrival waits, for offered load A (Erlangs) on c servers."""
    load = np.asarray(offered_load, dtype=float)
    c = np.asarray(servers, dtype=float)
    load, c = np.broadcast_arrays(load, c)
    blocking = np.ones(load.shape)
    for k in range(1, int(np.max(c)) + 1):
        step = load * blocking / (k + load * blocking)
        blocking = np.where(k <= c, step, blocking)
    rho = load / c
    with np.errstate(divide="ignore", invalid="ignore"):
        waiting = np.where(rho < 1, blocking / (1 - rho * (1 - blocking)), 1.0)
    return float(waiting) if waiting.ndim == 0 else waiting


def _survival(t: np.ndarray, mu: np.ndarray, theta: np.ndarray, p_wait: np.ndarray) -> np.ndarray:
    """P(T > t) for the M/M/c response time."""
    near = np.isclose(theta, mu, rtol=1e-9)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mixed = (theta * np.exp(-mu * t) - mu * np.exp(-theta * t)) / (theta - mu)
    mixed = np.where(near, (1 + mu * t) * np.exp(-mu * t), mixed)
    return (1 - p_wait) * np.exp(-mu * t) + p_wait * mixed


def mmc_queue(arrival_rate: Any, service_time: Any, servers: Any = 1, *,
              percentile: float = 0.99) -> QueueResult:
    """Utilisation, waiting probability, mean and percentile latency of an M/M/c queue.

    ``arrival_rate`` in requests/s, ``service_time`` the mean seconds per request on one
    server, ``servers`` the replica count."""
    if not 0.0 < percentile < 1.0:
        raise UnitError(f"percentile must be in (0, 1), got {percentile!r}")
    lam = to_base(arrival_rate, "1/s", "arrival_rate")
    service = to_base(service_time, "s", "service_time")
    c = to_count(servers, "servers")
    scalar = vec.is_scalar(lam, service, c)
    lam_a, s_a, c_a = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (lam, service, c)))
    mu = 1.0 / s_a
    rho = lam_a * s_a / c_a
    stable = rho < 1
    p_wait = np.asarray(erlang_c(lam_a * s_a, c_a), dtype=float)
    theta = np.where(stable, c_a * mu - lam_a, np.nan)
    mean_wait = np.where(stable, p_wait / theta, np.nan)
    quantile = _response_quantile(mu, theta, p_wait, 1.0 - percentile)
    values = dict(utilisation=rho, probability_of_wait=p_wait, mean_wait_s=mean_wait,
                  mean_latency_s=mean_wait + s_a, percentile_latency_s=np.where(
                      stable, quantile, np.nan), stable=stable)
    if scalar:
        values = {k: (bool(v) if k == "stable" else float(v)) for k, v in values.items()}
    return QueueResult(percentile=percentile, binding_wall=names.wall(7), **values)


def _response_quantile(mu: np.ndarray, theta: np.ndarray, p_wait: np.ndarray,
                       tail: float) -> np.ndarray:
    """Smallest t with P(T > t) <= tail, by bisection (the survival is decreasing)."""
    safe_theta = np.where(np.isfinite(theta) & (theta > 0), theta, 1.0)
    slowest = np.minimum(mu, safe_theta)
    low = np.zeros(mu.shape)
    high = (math.log(1.0 / tail) + 1.0) / slowest
    for _ in range(_BISECTION_STEPS):
        short = _survival(high, mu, safe_theta, p_wait) > tail
        if not np.any(short):
            break
        high = np.where(short, 2.0 * high, high)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (low + high)
        above = _survival(mid, mu, safe_theta, p_wait) > tail
        low = np.where(above, mid, low)
        high = np.where(above, high, mid)
    return high


def max_arrival_rate(service_time: Any, servers: Any, latency_slo_s: Any, *,
                     percentile: float = 0.99) -> Number:
    """The highest arrival rate (requests/s) at which the ``percentile`` response time
    still meets ``latency_slo_s``; 0 when even an idle server misses it (service alone
    exceeds the SLO at that percentile). Found by bisection on the load."""
    service = to_base(service_time, "s", "service_time")
    c = to_count(servers, "servers")
    slo = to_base(latency_slo_s, "s", "latency_slo_s")
    scalar = vec.is_scalar(service, c, slo)
    s_a, c_a, slo_a = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (service, c, slo)))
    idle = mmc_queue(np.full(s_a.shape, 1e-12 / s_a), s_a, c_a, percentile=percentile)
    low = np.zeros(s_a.shape)
    high = c_a / s_a * (1.0 - 1e-12)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (low + high)
        meets = mmc_queue(mid, s_a, c_a, percentile=percentile).percentile_latency_s <= slo_a
        low = np.where(meets, mid, low)
        high = np.where(meets, high, mid)
    rate = np.where(np.asarray(idle.percentile_latency_s) <= slo_a, low, 0.0)
    return float(rate) if scalar else rate
