#!/usr/bin/env bash
# Cross-check and time `tropical hull` against lrs (lrslib), cdd (libcdd-tools, GMP), howzat (Rust
# DD and LRS, `pip install howzat`; bench/howzat_run.py) and qhull on the same inputs: the cddlib example corpus (when /work/shared/peer-data/cddlib or
# $TROPICAL_CDDLIB_DIR exists) and generated families (exact rational points on spheres d=3..6,
# cyclic polytopes, lifted power-diagram points). Checks that facet (V-input) / vertex (H-input)
# counts agree and writes bench/RESULTS.md with median wall times of a few runs and ratios.
# With --lrslib, also lrs's own benchmark families (lrslib's ine/test-062, from
# /work/shared/peer-data/lrslib or $TROPICAL_LRSLIB_DIR) that lrs finishes in <= 10 minutes: one
# run each, 10-minute limit, ours by both exact algorithms (dd and rs).
# Every time comes with the process's max RSS (GNU time). Per family: median and worst ratio.
# Usage: bench/peers.sh [--runs N] [--lrslib]   (needs root or sudo for apt-get; a few minutes
# without --lrslib, about an hour with it)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3
LRSLIB_FAMILIES=0
while (($#)); do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --lrslib) LRSLIB_FAMILIES=1; shift ;;
    *) echo "usage: bench/peers.sh [--runs N] [--lrslib]" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || need_time=1

need=()
command -v lrs >/dev/null || need+=(lrslib)
command -v scdd_gmp >/dev/null || need+=(libcdd-tools)
command -v qconvex >/dev/null || need+=(qhull-bin)
[[ -n "${need_time:-}" ]] && need+=(time)
if ((${#need[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
command -v python3 >/dev/null || { echo "peers.sh needs python3" >&2; exit 1; }
python3 -c "import howzat" 2>/dev/null || python3 -m pip install -q howzat numpy

cargo build --release -q -p tropical-cli
BIN="${CARGO_TARGET_DIR:-target}/release/tropical"
[[ -x "$BIN" ]] || { echo "no binary at $BIN" >&2; exit 1; }

SHARED=/work/shared/peer-data
[[ -d "$SHARED" ]] || SHARED="$(pwd)/../shared/peer-data"
CDDLIB="${TROPICAL_CDDLIB_DIR:-$SHARED/cddlib}" LRSLIB="${TROPICAL_LRSLIB_DIR:-$SHARED/lrslib}" \
LRSLIB_FAMILIES="$LRSLIB_FAMILIES" BIN="$BIN" RUNS="$RUNS" python3 - <<'PY'
import json, os, random, signal, statistics, subprocess, tempfile, time, shutil
from fractions import Fraction as F

BIN, RUNS, CDDLIB = os.environ["BIN"], int(os.environ["RUNS"]), os.environ["CDDLIB"]
LRSLIB, LRSLIB_FAMILIES = os.environ["LRSLIB"], os.environ["LRSLIB_FAMILIES"] == "1"
TIMEOUT = 20
work = tempfile.mkdtemp(prefix="peers-")
rss_file = os.path.join(work, "rss")

def write_ext(path, pts):
    with open(path, "w") as f:
        f.write("V-representation\nbegin\n%d %d rational\n" % (len(pts), len(pts[0]) + 1))
        for p in pts:
            f.write(" 1 " + " ".join(str(x) for x in p) + "\n")
        f.write("end\n")

def sphere(n, d, rng):
    out = []
    for _ in range(n):
        t = [F(rng.randint(-100, 100), 37) for _ in range(d - 1)]
        s = sum(x * x for x in t)
        out.append([2 * x / (s + 1) for x in t] + [(s - 1) / (s + 1)])
    return out

def cyclic(n, d):
    return [[F(t) ** k for k in range(1, d + 1)] for t in range(1, n + 1)]

def lifted(n, k, rng):
    out = []
    for _ in range(n):
        z = [rng.randint(-20, 20) for _ in range(k)]
        w = rng.randint(0, 50)
        out.append([F(x) for x in z] + [F(sum(x * x for x in z) - w)])
    return out

def timed(cmd, cwd=None, stdin=None, runs=None, timeout=None, inner=None):
    """(stdout, median wall time, error lines, max RSS in KB over the runs); with `inner` (a
    function of a run's stderr giving seconds) also the median of those, as a fifth item"""
    ts, out, rss, ins = [], None, 0, []
    for _ in range(runs or RUNS):
        t = time.perf_counter()
        # its own process group: a timeout kills GNU time and the peer under it (killing only
        # the direct child would leave the peer running and loading every later measurement)
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd, cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=open(stdin) if stdin else None, start_new_session=True)
        try:
            so, se = p.communicate(timeout=timeout or TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            return None, None, ["timeout"], None
        r = subprocess.CompletedProcess(p.args, p.returncode, so, se)
        ts.append(time.perf_counter() - t)
        try:
            rss = max(rss, int(open(rss_file).read().split()[-1]))
        except (OSError, ValueError, IndexError):
            pass
        if r.returncode != 0:
            res = (None, statistics.median(ts), r.stderr.strip().splitlines()[-1:], rss)
            return res + (None,) if inner else res
        out = r.stdout
        if inner:
            ins.append(inner(r.stderr))
    res = (out, statistics.median(ts), None, rss)
    return res + (statistics.median(ins),) if inner else res

def rows_between(text):
    # rows of a cdd/lrs output block (after the LAST begin: lrs restarts with wider arithmetic
    # and prints the block again) and its linearity count
    lines = text.splitlines()
    lin = 0
    for l in lines:
        if l.split()[:1] == ["linearity"]:
            lin = int(l.split()[1])
    starts = [i for i, l in enumerate(lines) if l.strip() == "begin"]
    if not starts:
        return None
    b = starts[-1]
    body = []
    for l in lines[b + 1:]:
        if l.strip() == "end":
            break
        if l.strip():
            body.append(l)
    # the first line is the size line ("m n type", or "***** n type" from lrs); then rows and
    # "*" comment lines
    return (sum(1 for l in body[1:] if not l.lstrip().startswith("*")), lin)

def convert_seconds(stderr):
    # `tropical hull --timings`: "timings  read R ms  convert C ms  output O ms"
    w = [l for l in stderr.splitlines() if l.startswith("timings")][-1].split()
    return float(w[w.index("convert") + 1]) / 1e3

def ours(path, algorithm="auto", **kw):
    """(JSON summary, median wall time, error lines, max RSS, median time of the conversion
    call inside the process)"""
    out, t, err, rss, conv = timed([BIN, "hull", "--json", "--no-faces", "--timings",
                                    "--algorithm", algorithm, path], inner=convert_seconds, **kw)
    return (json.loads(out) if out else None), t, err, rss, conv

def lrs(path, **kw):
    out, t, err, rss = timed(["lrs", path], **kw)
    return (rows_between(out) if out else None), t, rss

def cdd(path):
    d = tempfile.mkdtemp(dir=work)
    p = os.path.join(d, os.path.basename(path))
    shutil.copy(path, p)
    out, t, err, rss = timed(["scdd_gmp", os.path.basename(p)], cwd=d)
    res = None
    target = p[:-4] + (".ine" if p.endswith(".ext") else ".ext")
    if out is not None and os.path.exists(target):
        res = rows_between(open(target).read())
    return res, t, rss

HOWZAT_SPECS = ("howzat-dd:gmprat", "howzat-lrs:rug")
def howzat(path, runs=None, timeout=None):
    """(count, median seconds inside the solve call, backend, max RSS in KB) of howzat's fastest
    backend that answers; the time excludes Python's start-up and parsing, which favours
    howzat."""
    best = (None, None, None, None)
    for spec in HOWZAT_SPECS:
        secs, count, rss = [], None, 0
        for _ in range(runs or RUNS):
            out, _, err, m = timed(["python3", "bench/howzat_run.py", path, spec], runs=1,
                                   timeout=timeout)
            if out is None:
                break
            r = json.loads(out)
            secs.append(r["seconds"]); count = r["count"]; rss = max(rss, m or 0)
        if secs and (best[1] is None or statistics.median(secs) < best[1]):
            best = (count, statistics.median(secs), spec.split(":")[0], rss)
    return best

def qhull(pts):
    p = os.path.join(work, "q.txt")
    with open(p, "w") as f:
        f.write("%d\n%d\n" % (len(pts[0]), len(pts)))
        for q in pts:
            f.write(" ".join(repr(float(x)) for x in q) + "\n")
    out, t, err, rss = timed(["qconvex", "n"], stdin=p)
    return (int(out.split()[1]) if out else None), t

def homogeneous(path):
    rows, inblk, size = [], False, False
    for l in open(path):
        s = l.strip()
        if s == "begin": inblk = True; size = True; continue
        if s == "end": break
        if inblk and s and not s.startswith("*"):
            if size: size = False; continue
            rows.append(s.split()[0])
    return all(F(x) == 0 for x in rows)

def fmt(t, limit=None):
    if t is None: return "> %d s" % (limit or TIMEOUT)
    if t < 1e-3: return "%.3f ms" % (t * 1000)
    return "%.1f ms" % (t * 1000) if t < 10 else "%.1f s" % t
def fmt_rss(k): return "—" if not k else ("%.0f MB" % (k / 1024) if k >= 10240 else "%.1f MB" % (k / 1024))

results = []
def run_case(family, name, path, pts=None, peers=True, runs=None, timeout=None):
    kw = dict(runs=runs, timeout=timeout)
    is_v = open(path).read().find("V-representation") >= 0
    o, to, err, mo, ti = ours(path, **kw)
    # reverse search (H-input only): the second exact algorithm, timed beside the default
    rs, trs, mrs = None, None, None
    if not is_v:
        ro, trs, rerr, mrs, _ = ours(path, "rs", **kw)
        if ro is not None:
            rs = ro["vertices"] + ro["rays"] + ro["lines"]
            if homogeneous(path) and ro["rays"] + ro["lines"] > 0:
                rs -= 1
        elif rerr and "lines" in " ".join(rerr):
            rs, trs = "lines", None  # reverse search needs a vertex
    l, tl, ml = lrs(path, **kw)
    c, tc, mc = cdd(path) if peers else (None, None, None)
    h, th, hb, mh = howzat(path, **kw)
    q, tq = qhull(pts) if pts is not None else (None, None)
    if o is None:
        ours_rows = None
    elif is_v:
        ours_rows = o["facets"] + o["equations"]
    else:
        ours_rows = o["vertices"] + o["rays"] + o["lines"]
        if homogeneous(path) and o["rays"] + o["lines"] > 0:
            ours_rows -= 1  # cdd/lrs leave the apex of a cone implicit
    conv = ""
    if o is not None and is_v and o["rays"] + o["lines"] > 0 and not homogeneous(path):
        conv = "unbounded V-input: peers may add the face at infinity"
    agree = []
    for peer, val in (("lrs", l), ("cdd", c)):
        if val is not None and ours_rows is not None:
            agree.append(val[0] == ours_rows)
    # howzat writes lineality differently (a line is not one generator there): compared only on
    # outputs without lines
    if h is not None and ours_rows is not None and not (o and o.get("lines")):
        agree.append(h == ours_rows)
    if q is not None and ours_rows is not None:
        agree.append(q == ours_rows)
    if isinstance(rs, int) and ours_rows is not None:
        agree.append(rs == ours_rows)
    results.append(dict(family=family, name=name, ours=ours_rows, rs=rs, lrs=l and l[0],
                        cdd=c and c[0], howzat=h, t_howzat=th, b_howzat=hb, m_howzat=mh, qhull=q, agree=all(agree) if agree else None, t_ours=to, t_inner=ti,
                        t_rs=trs, t_lrs=tl, t_cdd=tc, t_qhull=tq, m_ours=mo, m_rs=mrs, m_lrs=ml,
                        err=err, note=conv, limit=timeout or TIMEOUT, peers=peers, is_v=is_v))
    lim = timeout or TIMEOUT
    print("%-10s %-28s ours %-6s rs %-6s lrs %-6s cdd %-6s howzat %-6s qhull %-6s  %s (%s) / rs %s / lrs %s (%s) / cdd %s / howzat %s %s" % (
        family, name, ours_rows, rs, l and l[0], c and c[0], h, q, fmt(to, lim), fmt_rss(mo),
        fmt(trs, lim) if isinstance(rs, int) or (rs is None and not is_v) else "—", fmt(tl, lim), fmt_rss(ml), fmt(tc),
        fmt(th, lim) + (" (%s)" % hb if hb else ""),
        "" if all(agree) else "DISAGREE " + conv), flush=True)

# cddlib corpus
exp_path = os.path.join(CDDLIB, "expected.json")
if os.path.exists(exp_path):
    expected = json.load(open(exp_path))
    for f, e in sorted(expected.items()):
        if "error" in e or "output_rows" not in e:
            continue
        run_case("cddlib", f, os.path.join(CDDLIB, f))
else:
    print("cddlib corpus not found at", CDDLIB, "- generated families only")

rng = random.Random(2026)
for d, n in [(3, 200), (3, 1000), (4, 200), (5, 100), (6, 60)]:
    pts = sphere(n, d, rng); p = os.path.join(work, "sphere_d%d_n%d.ext" % (d, n)); write_ext(p, pts)
    run_case("sphere", "d=%d n=%d" % (d, n), p, pts)
for n, d in [(20, 4), (40, 4), (16, 6), (14, 8)]:
    pts = cyclic(n, d); p = os.path.join(work, "cyclic_n%d_d%d.ext" % (n, d)); write_ext(p, pts)
    run_case("cyclic", "C(%d,%d)" % (n, d), p, pts)
for k, n in [(2, 300), (3, 200), (4, 100)]:
    pts = lifted(n, k, rng); p = os.path.join(work, "lifted_k%d_n%d.ext" % (k, n)); write_ext(p, pts)
    run_case("lifted", "power diagram k=%d n=%d" % (k, n), p, pts)

# lrs's own families (one run each, 10-minute limit, no cdd)
LRS_LIMIT = 600
if LRSLIB_FAMILIES:
    exp = {}
    if os.path.exists(os.path.join(LRSLIB, "expected.txt")):
        for l in open(os.path.join(LRSLIB, "expected.txt")):
            if l.startswith("#") or "|" not in l: continue
            f, tot, t = [x.strip() for x in l.split("|")]
            exp[f] = tot
    for f in sorted(exp):
        if exp[f] == "-" or "Totals" not in exp[f]:
            print("skip lrslib", f, "(lrs did not finish in 300 s, or no enumeration)"); continue
        run_case("lrslib", f, os.path.join(LRSLIB, f), peers=False, runs=1, timeout=LRS_LIMIT)

# RESULTS.md
lines = ["# Peer comparison: `tropical hull` vs lrs, cdd, howzat, qhull", "",
         "Generated by `bench/peers.sh` (median of %d runs, wall time of the whole process incl. "
         "start-up and parsing; `tropical hull --no-faces` computes both irredundant representations; "
         "lrs/cdd compute the other representation; qhull is floating point). `ours` is the default "
         "(`--algorithm auto`); `rs` is our reverse search (`--algorithm rs`, H-inputs with a vertex). "
         "RSS is the maximum resident set size of the process (GNU time). `howzat` is the faster of "
         "howzat's exact double description (`howzat-dd:gmprat`) and its LRS (`howzat-lrs:rug`, on "
         "inputs whose integers fit 53 bits), timed inside the solve call (no Python start-up or "
         "parsing; `bench/howzat_run.py`). `ours in-process` is the same for us: the time of the "
         "conversion call inside our process (`tropical hull --timings`), without start-up, parsing "
         "or output; `vs howzat` compares these two in-process times." % RUNS, "",
         "A time of `> %d s` is a timeout (no count). Machine: a shared 2-core container with other jobs "
         "running, so single timings are noisy; ratios are indicative." % TIMEOUT, "",
         "Counts: facets+equations for V-input, vertices+rays+lines for H-input (cdd/lrs leave the apex "
         "of a homogeneous cone implicit; we subtract it; lrs prints the apex of the all-zero system). "
         "The `agree` column compares ours with every peer that answered. `ratio` = ours / lrs, "
         "`vs howzat` = ours in-process / howzat (>1: we are slower).", "",
         "| family | input | ours | rs | lrs | cdd | howzat | qhull | agree | ours (auto) | ours (rs) | lrs | cdd | ours in-process | howzat | ratio | vs howzat | RSS ours | RSS rs | RSS lrs |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
fam_ratios, rs_ratios, hz_ratios = {}, {}, {}
for r in results:
    ratio = r["t_ours"] / r["t_lrs"] if r["t_lrs"] and r["t_ours"] else None
    if ratio: fam_ratios.setdefault(r["family"], []).append(ratio)
    if r["t_lrs"] and r["t_rs"] and isinstance(r["rs"], int):
        rs_ratios.setdefault(r["family"], []).append(r["t_rs"] / r["t_lrs"])
    hratio = r["t_inner"] / r["t_howzat"] if r["t_howzat"] and r["t_inner"] else None
    if hratio: hz_ratios.setdefault(r["family"], []).append(hratio)
    lim = r["limit"]
    rs_time = "—" if r["is_v"] or r["rs"] == "lines" else fmt(r["t_rs"], lim)
    lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        r["family"], r["name"], r["ours"], "—" if r["rs"] is None else r["rs"], r["lrs"],
        r["cdd"] if r["peers"] else "—", "—" if r["howzat"] is None else r["howzat"],
        r["qhull"] if r["qhull"] is not None else "—",
        {True: "yes", False: "**no**" + (" (%s)" % r["note"] if r["note"] else ""), None: "—"}[r["agree"]],
        fmt(r["t_ours"], lim), rs_time,
        fmt(r["t_lrs"], lim), fmt(r["t_cdd"]) if r["peers"] else "—",
        fmt(r["t_inner"]) if r["t_inner"] else "—",
        fmt(r["t_howzat"], lim) + (" (%s)" % r["b_howzat"] if r["b_howzat"] else ""),
        "%.2f" % ratio if ratio else "—", "%.2f" % hratio if hratio else "—", fmt_rss(r["m_ours"]), fmt_rss(r["m_rs"]), fmt_rss(r["m_lrs"])))
lines += ["", "## Time ratio ours / lrs per family (median and worst)", "",
          "| family | cases | median ours/lrs | worst ours/lrs | cases rs | median rs/lrs | worst rs/lrs | cases howzat | median ours/howzat | worst ours/howzat |",
          "|---|---|---|---|---|---|---|---|---|---|"]
med = lambda v: "%.2f" % statistics.median(v) if v else "—"
worst = lambda v: "%.2f" % max(v) if v else "—"
for fam, rs in fam_ratios.items():
    q, z = rs_ratios.get(fam, []), hz_ratios.get(fam, [])
    lines.append("| %s | %d | %.2f | %.2f | %d | %s | %s | %d | %s | %s |" % (
        fam, len(rs), statistics.median(rs), max(rs), len(q), med(q), worst(q),
        len(z), med(z), worst(z)))
dis = [r for r in results if r["agree"] is False]
lines += ["", "Disagreements: %d of %d cases%s" % (len(dis), len(results),
          "" if not dis else ": " + ", ".join(r["name"] for r in dis))]
lines.append(open("bench/RESULTS_NOTES.md").read() if os.path.exists("bench/RESULTS_NOTES.md") else "")
open("bench/RESULTS.md", "w").write("\n".join(lines) + "\n")
print("wrote bench/RESULTS.md")
PY
