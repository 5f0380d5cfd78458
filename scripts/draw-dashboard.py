#!/usr/bin/env python3
"""Draws docs/dashboard.svg: the metric widgets of template.yaml's Dashboard, from a local run's metrics.

    swift build                          # once: this script builds nothing, it runs .build/debug/*
    python3 scripts/draw-dashboard.py    # -> docs/dashboard.svg, and the totals on stdout

A seeded workload of sign-ins goes through define, create and verify under local-lambda (.build/debug), round by
round as Cognito calls them, with OTP_DELIVERY=console. EMF lines carry real time, so the script puts each sign-in
in one of 12 simulated 5-minute buckets. Widgets come from template.yaml. Exit status 1 when an EMF line does not
parse or a metric the dashboard shows never appears (RateLimited and DeliveryFailures may be zero). Stdlib only.
"""
import collections, copy, itertools, json, math, random, re, subprocess, sys, tempfile, textwrap
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NS, SEED, BUCKETS = "PasswordlessLocal", 20251127, 12
MAY_BE_ZERO = {"RateLimited", "DeliveryFailures"}
ENV = {"OTP_DELIVERY": "console", "METRICS_NAMESPACE": NS, "AWS_LAMBDA_LOG_LEVEL": "INFO", "MAX_ATTEMPTS": "3",
       "MAX_RESENDS": "2", "OTP_CHANNELS": "sms,email", "OTP_CHANNEL_CHOICE": "false", "RATE_LIMIT_TABLE": "",
       "HASH_KEY": "dashboard drawing key, not secret"}
COLOURS = ["#1f77b4", "#ff7f0e", "#d62728"]
HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"'  # numbers stay legible over lines
GOOD_BAD = {"right": "#2ca02c", "succeeded": "#2ca02c", "wrong": "#d62728", "failed": "#d62728"}
PLANS = [  # weight, answers to successive code rounds; a plan that runs out walks away
    (48, ["right"]), (12, ["wrong", "right"]), (5, ["wrong", "wrong", "right"]), (6, ["resend", "right"]),
    (3, ["resend:email", "right"]), (4, ["wrong"] * 3), (6, []), (3, ["wrong"]), (3, ["resend"] * 3)]


def die(message):
    sys.exit(f"draw-dashboard: {message}")


def dashboard_widgets():
    """The template's metric widgets on our namespace, from the DashboardBody with parameters at their defaults."""
    yaml = (ROOT / "template.yaml").read_text()
    body = textwrap.dedent(re.search(r"DashboardBody: !Sub \|\n((?:[ \t]+.*\n|\n)+)", yaml).group(1))
    params = dict(re.findall(r"\n  (\w+):\n    Type: Number\n    Default: (\d+)", yaml))
    body = re.sub(r"\$\{([\w.:]+)\}", lambda m: params.get(m.group(1), m.group(1)), body)
    return [w for w in json.loads(body)["widgets"]
            if w["type"] == "metric" and all(m[0] == "MetricsNamespace" for m in w["properties"]["metrics"])]


def sign_ins(rng):
    out, burst = [], rng.randrange(BUCKETS)  # the burst bucket gets a run of guessed user names
    for bucket in range(BUCKETS):
        real = rng.randint(3, 9) + round(6 * math.sin(math.pi * bucket / (BUCKETS - 1)))
        for i in range(real + rng.randint(0, 2) + (9 if bucket == burst else 0)):
            n = len(out) + 1
            kind = "unknown" if i >= real else rng.choices(["sms", "email", "both", "unreachable"], [45, 35, 17, 3])[0]
            phone, mail = f"+1555550{n:04d}", f"user{n}@example.com"
            attrs = {"sub": f"00000000-0000-4000-8000-{n:012d}", "cognito:user_status": "CONFIRMED"}
            if kind in ("sms", "both", "unreachable"):
                attrs.update(phone_number=phone, phone_number_verified="false" if kind == "unreachable" else "true")
            if kind in ("email", "both"):
                attrs.update(email=mail, email_verified="true")
            plan = (rng.choice([["wrong"], ["wrong"] * 2, ["wrong"] * 3]) if kind in ("unknown", "unreachable")
                    else list(rng.choices([p for _, p in PLANS], [w for w, _ in PLANS])[0]))
            out.append({"bucket": bucket, "kind": kind, "plan": plan, "next": "define", "session": [],
                        "user": mail if kind in ("email", "unknown") else phone, "meta": None,
                        "attrs": {} if kind == "unknown" else attrs, "outcome": None})
    return out


def event_for(fn, s, samples):
    """A sample event from events/ made into this sign-in's current round."""
    ev = copy.deepcopy(samples[fn])
    ev["userName"], req = s["user"], ev["request"]
    req.update(userAttributes=s["attrs"], userNotFound=s["kind"] == "unknown")
    req.pop("clientMetadata", None)
    if s["meta"] is not None:  # Cognito passes the answer's ClientMetadata to the triggers after it
        req["clientMetadata"] = s["meta"]
    if fn != "verify":
        req["session"] = s["session"]
        return ev
    private, answer = s["challenge"]["privateChallengeParameters"], s["answer"]
    resend = answer.startswith("resend")
    req["privateChallengeParameters"] = private
    req["clientMetadata"] = ({"action": "resend"} if resend else {}) | ({"channel": "email"} if ":" in answer else {})
    wrong = f"{(int(private.get('code') or 0) + 1) % 10 ** 6:06d}"
    req["challengeAnswer"] = private.get("code") if answer == "right" else "resend" if resend else wrong
    return ev


def advance(fn, s, inv):
    """Moves a sign-in on by one trigger's answer, as Cognito would."""
    body = inv.get("body") if isinstance(inv.get("body"), dict) else {}
    response, s["next"] = body.get("response", {}), None
    if inv["status"] != "response":
        s["outcome"] = f"{fn} error {inv['error_type']}"
    elif fn == "define":
        done = response["issueTokens"] or response["failAuthentication"]
        s["next"], s["outcome"] = (None, "signed in" if response["issueTokens"] else "failed") if done else ("create", None)
    elif fn == "create":
        s["challenge"], s["answer"] = response, s["plan"].pop(0) if s["plan"] else None
        s["next"], s["outcome"] = ("verify", None) if s["answer"] else (None, "walked away")
    else:
        s["session"] = s["session"] + [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": response["answerCorrect"],
                                        "challengeMetadata": s["challenge"]["challengeMetadata"]}]
        s["meta"], s["next"] = body["request"].get("clientMetadata"), "define"


def add_emf(line, bucket_of, data):
    """Adds one EMF document's values to its invocation's bucket under each of its dimension sets, as CloudWatch would."""
    try:
        doc = json.loads(line)
        bucket = bucket_of[doc["requestId"]]
        for directive in doc["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == NS, f"namespace {directive['Namespace']!r}"
            for metric in directive["Metrics"]:
                value = doc[metric["Name"]]
                assert type(value) in (int, float), f"{metric['Name']} is not a number"
                for dims in directive["Dimensions"]:
                    key = (metric["Name"], tuple((d, doc[d]) for d in dims))
                    data.setdefault(key, [[] for _ in range(BUCKETS)])[bucket].append(value)
    except (ValueError, KeyError, TypeError, AssertionError) as e:
        die(f"EMF line does not parse ({type(e).__name__}: {e}): {line[:300]}")


def invoke(fn, named_events, data):
    """Serves the events to one process of the function; returns local-lambda's invocations by event name."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, ev in named_events:
            (Path(tmp) / name).write_text(json.dumps(ev))
        run = subprocess.run([ROOT / ".build/debug/local-lambda", "--timeout", "600",
                              *[a for k, v in ENV.items() for a in ("--env", f"{k}={v}")],
                              *[Path(tmp) / name for name, _ in named_events],
                              "--", ROOT / f".build/debug/{fn}-auth-challenge"], capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
        assert not report["init_error"] and report["answered"] == len(named_events)
    except (ValueError, KeyError, AssertionError):
        die(f"{fn} under local-lambda did not answer every event:\n{run.stdout[:1000]}\n{run.stderr[-2000:]}")
    bucket_of = {inv["request_id"]: int(inv["event"][1:3]) for inv in report["invocations"]}  # from "bNN-..."
    for line in run.stderr.splitlines():
        if '"_aws"' in line:
            add_emf(line, bucket_of, data)
    return {inv["event"]: inv for inv in report["invocations"]}


def pct(values, p):  # nearest rank
    return sorted(values)[max(0, math.ceil(p / 100 * len(values)) - 1)] if values else None


STATS = {"Sum": sum, "p50": lambda v: pct(v, 50), "p90": lambda v: pct(v, 90), "Maximum": lambda v: max(v, default=None)}


def text(x, y, s, size=10, more=""):
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {more}>{escape(str(s))}</text>'


def hline(x1, x2, y, colour, more=""):
    return f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" {more}/>'


def draw_widget(w, data, X, Y, W, H):
    p, out, series = w["properties"], [], []
    for i, m in enumerate(p["metrics"]):
        opts, dims = m[-1], tuple(zip(m[2:-1:2], m[3:-1:2]))
        stat, values = opts.get("stat", p.get("stat")), data.get((m[1], dims), [[]] * BUCKETS)
        total = STATS[stat]([v for b in values for v in b]) or 0
        unit = " ms (whole run)" if stat != "Sum" else " total" if total else " in this run"
        series.append((GOOD_BAD.get(opts["label"], COLOURS[i % 3]), [STATS[stat](b) for b in values],
                       f"{opts['label']}: {total}{unit}"))
    stacked, notes = p.get("stacked", False), p.get("annotations", {}).get("horizontal", [])
    top = max(sum(v or 0 for v in col) if stacked else max(v or 0 for v in col) for col in zip(*[s[1] for s in series]))
    shown = [a for a in notes if a["value"] <= max(1.5 * top, 4)]  # an alarm line far above the data: legend only
    top = max([top] + [a["value"] for a in shown])
    step = next(s * 10 ** k for k in range(6) for s in (1, 2, 5) if top <= 5 * s * 10 ** k)
    ymax = max(step, math.ceil(top / step) * step)
    legend = [(s[0], s[2], "") for s in series] + [
        ("#555", f"{a['label']}: {a['value']}" + ("" if a in shown else ", above this scale"), "4 3") for a in notes]
    rows, width = [[]], 0
    for item in legend:  # legend rows that fit the widget
        need = 36 + 6.2 * len(item[1])
        if rows[-1] and width + need > W - 24:
            rows, width = rows + [[]], 0
        rows[-1].append((item, width))
        width += need
    L, R, T, B = X + 42, X + W - 14, Y + 36, Y + H - 40 - 16 * len(rows)
    y_of, slot = (lambda v: B - (B - T) * v / ymax), (R - L) / BUCKETS
    x_of = lambda b: L + slot * (b + 0.5)
    out += [f'<rect x="{X}" y="{Y}" width="{W}" height="{H}" fill="#fff" stroke="#c8ccd0"/>',
            text(X + 12, Y + 22, p["title"], 14, 'font-weight="bold"'),
            text((L + R) / 2, B + 30, "5-minute bucket (simulated)", 10, 'text-anchor="middle" fill="#555"')]
    for t in range(0, ymax + 1, step):
        out += [hline(L, R, y_of(t), "#888" if t == 0 else "#e4e6e8"), text(L - 6, y_of(t) + 4, t, 11, 'text-anchor="end"')]
    for b in range(BUCKETS):
        out.append(text(x_of(b), B + 16, b + 1, 10, 'text-anchor="middle"'))
        base = 0
        for colour, values, _ in series if stacked else []:
            if v := values[b] or 0:
                out.append(f'<rect x="{x_of(b) - slot * 0.32:.1f}" y="{y_of(base + v):.1f}" width="{slot * 0.64:.1f}" '
                           f'height="{y_of(base) - y_of(base + v):.1f}" fill="{colour}"/>')
            base += v
        out += [text(x_of(b), y_of(base) - 3, base, 10, 'text-anchor="middle"')] if stacked else []
    for k, (colour, values, _) in enumerate([] if stacked else series):
        pts = [(x_of(b), y_of(v)) for b, v in enumerate(values) if v is not None]
        wide = 1.5 * (len(series) - 1 - k) if len(series) > 2 else 0  # lines that coincide stay visible
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="{2 + wide}" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2.6 + wide}" fill="{colour}"/>' for x, y in pts]
        for b, v in enumerate(values if len(series) == 2 else []):  # the numbers: the upper line's above its points
            other = series[1 - k][1][b] or 0
            if v:
                dy = -5 if v > other or (v == other and k == 0) else 13
                out.append(text(x_of(b), y_of(v) + dy, v, 9, f'text-anchor="middle" fill="{colour}" {HALO}'))
    out += [hline(L, R, y_of(a["value"]), "#555", 'stroke-dasharray="4 3"') for a in shown]
    for r, row in enumerate(rows):
        ly = Y + H - 12 - 16 * (len(rows) - 1 - r)
        for (colour, label, dash), dx in row:
            out += [hline(X + 12 + dx, X + 30 + dx, ly - 4, colour, f'stroke-width="{2 if dash else 6}" '
                          f'stroke-dasharray="{dash or "none"}"'), text(X + 34 + dx, ly, label, 11)]
    return out


def main():
    if missing := [fn for fn in ("define", "create", "verify") if not (ROOT / f".build/debug/{fn}-auth-challenge").exists()]:
        die(f".build/debug/{missing[0]}-auth-challenge is missing: run `swift build` first")
    samples = {fn: json.loads((ROOT / "events" / f"{fn}-{name}.json").read_text())
               for fn, name in [("define", "first-round"), ("create", "sms-first-round"), ("verify", "correct-code")]}
    widgets, data = dashboard_widgets(), {}
    everyone = active = sign_ins(random.Random(SEED))
    seq = itertools.count()
    while active:  # one pass is one round of every sign-in still going: define, create, then verify
        for fn in ("define", "create", "verify"):
            batch = [s for s in active if s["next"] == fn]
            names = [f"b{s['bucket']:02d}-{next(seq):05d}-{fn}.json" for s in batch]
            answers = invoke(fn, [(n, event_for(fn, s, samples)) for n, s in zip(names, batch)], data) if batch else {}
            for n, s in zip(names, batch):
                advance(fn, s, answers[n])
        active = [s for s in active if s["next"]]
    for m in (m for w in widgets for m in w["properties"]["metrics"]):
        if m[1] not in MAY_BE_ZERO and not any(k[0] == m[1] for k in data):
            die(f"metric {m[1]} never appeared in the run's EMF lines")
    print(f"{len(everyone)} sign-ins by user: {dict(collections.Counter(s['kind'] for s in everyone))}\n"
          f"outcomes: {dict(collections.Counter(s['outcome'] for s in everyone))}")
    for (name, dims), values in sorted(data.items()):
        flat = [v for b in values for v in b]
        extra = f"; p50 {pct(flat, 50)}, p90 {pct(flat, 90)}, max {max(flat)} ms" if name == "DeliveryLatency" else ""
        print(f"{name} {dict(dims)}: sum {sum(flat)} over {len(flat)} lines{extra}")
    failures = sum(map(sum, data.get(("DeliveryFailures", (("Function", "create"),)), [])))
    ux, uy, top = 50, 50, 74
    width, height = 24 * ux + 32, top + 12 * uy + 78
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           'font-family="Helvetica, Arial, sans-serif" fill="#16191f">',
           f'<rect width="{width}" height="{height}" fill="#f2f3f3"/>',
           text(20, 32, f"Sign-in metrics, namespace {NS}", 20, 'font-weight="bold"'),
           text(20, 54, "The metric widgets of the CloudWatch dashboard in template.yaml (5-minute periods), drawn from "
                f"a local run: {len(everyone)} sign-ins in 12 simulated 5-minute buckets.", 12, 'fill="#444"')]
    for w in widgets:
        svg += draw_widget(w, data, 20 + w["x"] * ux, top + w["y"] * uy, w["width"] * ux - 8, w["height"] * uy - 8)
    caption = ("Drawn by scripts/draw-dashboard.py from the EMF metric lines the debug builds wrote to stderr under "
               f"local-lambda (OTP_DELIVERY=console, seed {SEED}); the lines carry real time, so the script "
               "bucketed each sign-in itself. Console delivery makes the latency the time to write the message. "
               f"DeliveryFailures: {failures} in this run (nothing is sent); RateLimited here counts only resends past "
               "MAX_RESENDS=2 (no DynamoDB table). The Lambda errors, duration, alarm and log widgets come from AWS and "
               "are not drawn.")
    for i, line in enumerate(textwrap.wrap(caption, 190)):
        svg.append(text(20, top + 12 * uy + 18 + 16 * i, line, 11.5, 'fill="#444"'))
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs/dashboard.svg").write_text("\n".join(svg + ["</svg>"]) + "\n")
    print("wrote docs/dashboard.svg")


if __name__ == "__main__":
    main()
