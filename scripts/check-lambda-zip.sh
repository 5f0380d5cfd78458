#!/usr/bin/env bash
# Check Lambda zips made by build.sh for the provided.al2023 runtime (glibc 2.34).
#
#   scripts/check-lambda-zip.sh [--smoke] ZIP...
#
# For each zip: bootstrap at the root, mode 755, stripped; no Swift runtime
# shared library; every ELF file needs no GLIBC version above 2.34; with
# LD_LIBRARY_PATH unset, ldd resolves every library from the zip's lib/ except
# glibc's own and libgcc_s, and every symbol binds (ldd -r). Stubs from
# scripts/make-stub-libs.sh (marked by a .lambda_stub section) are listed: stub
# libraries in lib/ get the same checks and must need no library at all; stubs
# linked into bootstrap (a static libcurl) are named from its .lambda_stub strings.
# --smoke also runs the unpacked bootstrap under local-lambda ($LOCAL_LAMBDA, else
# .build/release/local-lambda, else .build/debug/local-lambda; build.sh builds it first)
# with events/<trigger>-*.json (define-*.json for define-auth-challenge.zip,
# pre-*.json for pre-sign-up.zip, ...) and OTP_DELIVERY=console.
set -euo pipefail

MAX_GLIBC=2.34
SWIFT_RUNTIME='^lib(swift[A-Za-z_]*|Foundation[A-Za-z]*|_Foundation[A-Za-z]*|dispatch|BlocksRuntime)\.so'
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lambda-system-libs.sh
. "$ROOT/scripts/lambda-system-libs.sh"

SMOKE=0
[[ ${1:-} == --smoke ]] && { SMOKE=1; shift; }
(($#)) || { echo "usage: $0 [--smoke] ZIP..." >&2; exit 2; }
for tool in unzip zipinfo objdump objcopy ldd; do
  command -v "$tool" >/dev/null || { echo "check: '$tool' not found" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

check_zip() {
  local zip=$1 name dir f mode v line lib path
  local -a errors=() stubs=() linked_stubs=()
  SMOKE_RESULT=""
  name=$(basename "$zip" .zip)
  dir=$TMP/$name
  err() { errors+=("$*"); }

  [[ -f $zip ]] || { echo "FAIL $zip: no such file" >&2; return 1; }
  mkdir -p "$dir"
  unzip -q "$zip" -d "$dir"

  if [[ ! -f $dir/bootstrap ]]; then
    err "no bootstrap at the zip's root"
  else
    mode=$(zipinfo -l "$zip" bootstrap | awk '$NF == "bootstrap" { print $1 }')
    [[ $mode == -rwxr-xr-x ]] || err "bootstrap has mode '$mode' in the zip, want -rwxr-xr-x (755)"
    [[ $(stat -c %a "$dir/bootstrap") == 755 ]] || err "unpacked bootstrap is not mode 755"
    [[ $(objdump -h "$dir/bootstrap") =~ \ \.(symtab|debug_info)\  ]] && err "bootstrap is not stripped"
  fi

  # Swift runtime must be static.
  for f in "$dir"/lib/*; do
    [[ -e $f ]] && [[ $(basename "$f") =~ $SWIFT_RUNTIME ]] && err "Swift runtime library shipped: lib/$(basename "$f")"
  done

  # GLIBC version references of every ELF file in the zip.
  while IFS= read -r -d '' f; do
    [[ $(head -c4 "$f" | tr -d '\0') == $'\x7fELF' ]] || continue
    for lib in $(objdump -p "$f" | awk '$1 == "NEEDED" { print $2 }'); do
      [[ $lib =~ $SWIFT_RUNTIME ]] && err "${f#"$dir"/} needs $lib: link the Swift runtime statically (--static-swift-stdlib)"
    done
    for v in $(objdump -p "$f" | grep -oE '\bGLIBC_[0-9]+(\.[0-9]+)+\b' | sort -Vu); do
      if [[ $(printf '%s\n' "GLIBC_$MAX_GLIBC" "$v" | sort -V | tail -1) != "GLIBC_$MAX_GLIBC" ]]; then
        err "${f#"$dir"/} needs $v (> $MAX_GLIBC):$(objdump -T "$f" | grep -F "($v)" | awk '{ printf " %s", $NF }')"
      fi
    done
  done < <(find "$dir" -type f -print0)

  # Library resolution exactly as on Lambda: no LD_LIBRARY_PATH.
  if [[ -f $dir/bootstrap ]]; then
    if ! line=$(env -u LD_LIBRARY_PATH ldd -r "$dir/bootstrap" 2>&1); then
      err "ldd failed (wrong architecture?): $line"
    fi
    # ldd -r: "undefined symbol: NAME (FILE)", "FILE: version `V' not found (required by ...)".
    while IFS= read -r lib; do
      err "does not bind: ${lib//"$dir"\//}"
    done < <(grep -E 'undefined symbol|version .* not found' <<<"$line" || true)
    while read -r lib _ path _; do
      if [[ $path != /* ]]; then
        err "library not found: $lib"
      elif [[ $lib =~ $SWIFT_RUNTIME ]]; then
        err "Swift runtime linked dynamically: $lib"
      elif [[ ! $lib =~ $SYSTEM_LIBS && $path != "$dir/lib/"* ]]; then
        err "$lib resolves to $path, not to the zip's lib/"
      fi
    done < <(grep '=>' <<<"$line" || true)
  fi

  # Stubs made by scripts/make-stub-libs.sh: they must need no library at all.
  for f in "$dir"/lib/*; do
    [[ -f $f ]] || continue
    [[ $(objdump -h "$f" 2>/dev/null) == *" .lambda_stub "* ]] || continue  # (no grep -q: pipefail and SIGPIPE)
    stubs+=("$(basename "$f")")
    [[ -z $(objdump -p "$f" | awk '$1 == "NEEDED"') ]] || err "stub lib/$(basename "$f") needs other libraries"
  done

  # Stubs linked into bootstrap: one "lambda-stub <soname>: ..." string each.
  if [[ -f $dir/bootstrap && $(objdump -h "$dir/bootstrap" 2>/dev/null) == *" .lambda_stub "* ]]; then
    mapfile -t linked_stubs < <(objcopy -O binary --only-section=.lambda_stub "$dir/bootstrap" /dev/stdout 2>/dev/null |
      tr '\0' '\n' | sed -n 's/^lambda-stub \([^:]*\):.*/\1/p' | LC_ALL=C sort -u)
    ((${#linked_stubs[@]})) || err "bootstrap has a .lambda_stub section that names no stub"
  fi

  if ((${#errors[@]} == 0)) && ((SMOKE)); then
    smoke "$name" "$dir" || err "smoke test failed (see above)"
  fi

  if ((${#errors[@]})); then
    echo "FAIL $zip" >&2
    printf '  - %s\n' "${errors[@]}" >&2
    return 1
  fi
  local nlibs stubinfo=""
  nlibs=$(find "$dir/lib" -type f 2>/dev/null | wc -l)
  ((${#stubs[@]} == 0)) || stubinfo=", ${#stubs[@]} of them stubs"
  echo "ok   $zip ($nlibs libraries in lib/$stubinfo$SMOKE_RESULT)"
  ((${#stubs[@]} == 0)) || echo "       stubs: ${stubs[*]}"
  ((${#linked_stubs[@]} == 0)) || echo "       stubs linked into bootstrap: ${linked_stubs[*]}"
}

smoke() {
  local name=$1 dir=$2 trigger=${1%%-*} summary
  local -a events=("$ROOT"/events/"$trigger"-*.json)
  local runner=${LOCAL_LAMBDA:-}
  if [[ -z $runner ]]; then
    runner=$ROOT/.build/release/local-lambda
    [[ -x $runner ]] || runner=$ROOT/.build/debug/local-lambda
  fi
  [[ -x $runner ]] || { echo "smoke: $runner not found (swift build --product local-lambda)" >&2; return 1; }
  [[ -e ${events[0]} ]] || { echo "smoke: no events/$trigger-*.json" >&2; return 1; }
  # A clean environment as on Lambda (no LD_LIBRARY_PATH, none of the caller's settings); the
  # function's own output goes to a log, shown only when something fails.
  if ! (cd "$dir" && env -i PATH="$PATH" OTP_DELIVERY=console HASH_KEY="zip smoke test key, not secret" AWS_LAMBDA_FUNCTION_NAME="$name" \
    "$runner" --no-bodies "${events[@]}" -- ./bootstrap >"$TMP/$name.json" 2>"$TMP/$name.log"); then
    cat "$TMP/$name.log" "$TMP/$name.json" >&2
    return 1
  fi
  summary=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
print("%(answered)d/%(expected)d events answered, init %(init_ms).0f ms" % r)' "$TMP/$name.json")
  SMOKE_RESULT=", smoke: $summary"
}

for zip in "$@"; do
  check_zip "$zip" || failures=$((failures + 1))
done
((failures == 0)) || { echo "check: $failures of $# zip(s) failed" >&2; exit 1; }
