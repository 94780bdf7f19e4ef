# SPDX-License-Identifier: GPL-2.0
"""Parsers and statistics of make bench (tests/rig/bench.py), also used by
the smoke tests of make check (tests/test_bench_smoke.py).

Every parser returns a Dist: a latency distribution as a histogram (cell
width in us, {cell start us: count}, the count above the histogram's
range) plus the exact min/avg/max when the tool prints them.
"""

import json
import re
from dataclasses import dataclass, field


@dataclass
class Dist:
    width: float = 1.0            # cell width, us
    hist: dict = field(default_factory=dict)   # cell start (us) -> count
    overflow: int = 0             # samples above the histogram's range
    top: float = 0.0              # where the range ends (us)
    min: float = None
    avg: float = None
    max: float = None
    lines: list = field(default_factory=list)  # RTT/RTH/RTD/RTS lines
    exact: dict = field(default_factory=dict)  # percentiles the tool computed

    @property
    def n(self):
        return sum(self.hist.values()) + self.overflow

    def quantile(self, q):
        """Upper edge (us) of the cell holding the q-quantile; None when
        it lies above the histogram's range."""
        want = q * self.n
        seen = 0
        for cell in sorted(self.hist):
            seen += self.hist[cell]
            if seen >= want:
                return cell + self.width
        return None

    def rebin(self, width):
        """The same distribution in cells of `width` us (a multiple)."""
        out = Dist(width=width, overflow=self.overflow, top=self.top, min=self.min,
                   avg=self.avg, max=self.max, lines=self.lines)
        for cell, c in self.hist.items():
            k = (cell // width) * width
            out.hist[k] = out.hist.get(k, 0) + c
        return out

    def clip(self, top):
        """Cells at or above `top` counted as overflow (a common range)."""
        out = Dist(width=self.width, overflow=self.overflow, top=top, min=self.min,
                   avg=self.avg, max=self.max, lines=self.lines)
        for cell, c in self.hist.items():
            if cell >= top:
                out.overflow += c
            else:
                out.hist[cell] = c
        return out

    def summary(self):
        """{min, avg, max, p99, p999, n}: exact figures where the tool has
        them, else from the histogram (avg: cell middles)."""
        s = {"n": self.n, "min": self.min, "avg": self.avg, "max": self.max,
             "p99": self.quantile(0.99), "p999": self.quantile(0.999), "top": self.top}
        for k in ("p99", "p999"):
            if k in self.exact:
                s[k] = self.exact[k]
            elif s[k] is not None and self.max is not None and s[k] > self.max:
                s[k] = self.max      # the cell's upper edge lies past the maximum
        if s["min"] is None and self.hist:
            s["min"] = min(self.hist)
        if s["avg"] is None and self.hist:
            s["avg"] = sum((k + self.width / 2) * c for k, c in self.hist.items()) / \
                max(1, sum(self.hist.values()))
        if s["max"] is None and self.hist and not self.overflow:
            s["max"] = max(self.hist) + self.width
        return s


class ParseError(ValueError):
    pass


def _json(out):
    for line in reversed(out.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise ParseError(f"no JSON object in the output:\n{out[-2000:]}")


def parse_latency(out, bucket_ns):
    """latency -h -B bucket_ns: RTD/RTS lines, HSD histogram lines."""
    width = bucket_ns / 1000.0
    d = Dist(width=width, top=200 * width)
    rts = None
    for line in out.splitlines():
        if line.startswith(("RTT|", "RTH|", "RTD|", "RTS|")):
            d.lines.append(line.rstrip())
        if line.startswith("RTS|"):
            rts = [f.strip() for f in line.split("|")]
        m = re.match(r"HSD\|\s*avg\|\s*(\d+)\s*-\s*(\d+|~)\s*\|\s*(\d+)", line)
        if m:
            if m.group(2) == "~":
                d.overflow += int(m.group(3))
            else:
                d.hist[int(m.group(1)) * width] = int(m.group(3))
    if rts is None:
        raise ParseError(f"latency printed no RTS line:\n{out[-2000:]}")
    d.min, d.avg, d.max = float(rts[1]), float(rts[2]), float(rts[3])
    if not d.n:
        raise ParseError(f"latency printed no histogram (-h):\n{out[-2000:]}")
    return d


def parse_cyclictest(out):
    """cyclictest -q -h N: "%06d %06d" histogram lines and the # lines."""
    d = Dist(width=1.0)
    vals = {}
    cells = 0
    for line in out.splitlines():
        m = re.match(r"^(\d{6})\s+(\d+)\s*$", line)
        if m:
            cells += 1
            if int(m.group(2)):
                d.hist[float(int(m.group(1)))] = int(m.group(2))
            continue
        m = re.match(r"^# (Min|Avg|Max) Latencies:\s*(\d+)", line)
        if m:
            vals[m.group(1)] = float(m.group(2))
        m = re.match(r"^# Histogram Overflows:\s*(\d+)", line)
        if m:
            d.overflow = int(m.group(1))
    if not cells or "Max" not in vals:
        raise ParseError(f"cyclictest printed no histogram:\n{out[-2000:]}")
    d.top = float(cells)
    d.min, d.avg, d.max = vals.get("Min"), vals.get("Avg"), vals["Max"]
    return d


def _pairs_dist(hist, width=1.0, overflow=0, top=None):
    d = Dist(width=width, overflow=overflow)
    for cell, count in hist:
        d.hist[float(cell) * width] = d.hist.get(float(cell) * width, 0) + int(count)
    d.top = top if top is not None else (max(d.hist) + width if d.hist else 0.0)
    return d


def parse_rtipc(out):
    """rtipc-bench -j: {case: Dist} (case e.g. "bufp-16")."""
    r = _json(out)
    cases = {}
    for k, v in r.items():
        if isinstance(v, dict) and "hist" in v:
            d = _pairs_dist(v["hist"], top=1e9)
            d.min, d.avg, d.max = v["min_us"], v["avg_us"], v["max_us"]
            d.exact = {"p99": v["p99_us"], "p999": v["p999_us"]}
            cases[k] = d
    if not cases:
        raise ParseError(f"rtipc-bench printed no case:\n{out[-2000:]}")
    return cases


def parse_gpiobench(out):
    """gpiobench -j [-g]: {"rtdm": Dist, "libgpiod": Dist} of the inner
    latency (write -> event timestamp), 1 us cells."""
    r = _json(out)
    runs = {}
    for name in ("rtdm", "libgpiod"):
        v = r.get(name)
        if not v:
            continue
        inner = v["inner"]
        d = _pairs_dist(enumerate(inner["hist"]), overflow=inner.get("overflow", 0),
                        top=float(len(inner["hist"])))
        d.min, d.avg, d.max = inner["min_ns"] / 1e3, inner["avg_ns"] / 1e3, inner["max_ns"] / 1e3
        runs[name] = d
    if "rtdm" not in runs:
        raise ParseError(f"gpiobench printed no rtdm run:\n{out[-2000:]}")
    return runs


def parse_udd(out):
    """uddtest sim-irq: the wake-up latency after the interrupt."""
    r = _json(out)
    w = r.get("wakeup_ns")
    failed = [c for c in r.get("checks", []) if not c.get("ok")]
    if not w or "hist" not in w or failed:
        raise ParseError(f"uddtest: no wake-up histogram or failed checks {failed}:\n{out[-2000:]}")
    d = _pairs_dist(w["hist"], overflow=w.get("overflow", 0), top=5000.0)
    d.min, d.avg, d.max = w["min"] / 1e3, w["avg"] / 1e3, w["max"] / 1e3
    return d
