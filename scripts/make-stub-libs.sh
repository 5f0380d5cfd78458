#!/usr/bin/env bash
# Replace the shared libraries that libcurl links for features this project never
# uses with tiny generated stub libraries.
#
#   scripts/make-stub-libs.sh LIBCURL OUTDIR
#
# Debian's libcurl4 is built with every feature, so it needs librtmp, libssh2,
# GSSAPI (krb5), OpenLDAP, libpsl, libidn2, zstd and brotli, and through them
# gnutls, nettle, gmp, p11-kit, unistring, sasl2, ... Our transport only does
# HTTP/HTTPS (CURLOPT_PROTOCOLS_STR "http,https"), no cookies (libpsl), no
# Accept-Encoding (zstd, brotli), no auth schemes (GSSAPI), ASCII host names
# (libidn2), so none of that code runs, but the dynamic loader must still find
# every symbol libcurl imports (libcurl is linked with BIND_NOW).
#
# For each library of STUBBABLE below that LIBCURL directly needs, this writes
# OUTDIR/<soname>: a library with the real soname, no DT_NEEDED at all (no libc,
# so no GLIBC version), and exactly the symbols libcurl imports from the real one,
# each with its real symbol version (from LIBCURL's .gnu.version_r), its type
# (function or data object) and, for data, its real size (zero-filled).
# Every stub function writes "lambda stub: <lib>: <symbol>() called" to stderr
# and traps (SIGILL), except those in SAFE_CALLS, which libcurl calls on every
# run and which get a harmless body. A trap means a code path that was believed
# unreachable ran: ship the real libraries (build.sh --no-stubs) and add the
# call to SAFE_CALLS only once it is understood.
#
# The real libraries are taken from LIBCURL's directory if they are there,
# otherwise from where ldd finds them. A library that libcurl does not need is
# skipped (e.g. Amazon Linux's libcurl-minimal needs none of them). A library
# whose imports cannot be stubbed safely (TLS or other unusual symbol types) is
# left alone, with a warning. Prints one line per stub written.
set -euo pipefail

# Libraries that may be replaced (matched on the soname, any version).
STUBBABLE='^(librtmp|libssh2|libgssapi_krb5|libldap(-[0-9.]+)?|liblber(-[0-9.]+)?|libpsl|libidn2|libzstd|libbrotlidec)\.so(\.|$)'

# Stubbed functions that libcurl may call, and their bodies; every other stub
# function traps. Each entry is justified by the code path that reaches it:
#  - libssh2_init: curl_global_init -> Curl_ssh_init, on every run; a non-zero
#    result makes curl_global_init fail (CURLE_FAILED_INIT). 0 is success.
#  - libssh2_exit: curl_global_cleanup -> Curl_ssh_cleanup; nothing to undo.
#  - the version queries below: only curl_version() and curl_version_info(),
#    which we do not call today; NULL/0 makes them report "libssh2/(nil)",
#    "libpsl/(nil)", brotli/zstd 0.0.0 and no IDN feature instead of trapping
#    in a diagnostic.
#  - ldap_get_option: curl_version() -> Curl_ldap_version asks
#    ldap_get_option(NULL, LDAP_OPT_API_INFO, &info); -1 (LDAP_OPT_ERROR) makes
#    it print plain "OpenLDAP" without reading the (unfilled) info. 0 would not
#    be safe. Elsewhere it is only used by the LDAP protocol handler.
#  - ZSTD_createDStream, BrotliDecoderCreateInstance: a response header
#    "Transfer-Encoding: zstd" (or br) makes curl 7.88 set up a decoder even
#    though we never ask for one (seen in a test; the server controls this).
#    NULL is how they report an allocation failure: curl fails that transfer
#    cleanly (CURLE_OUT_OF_MEMORY) and never calls the other stubs. AWS never
#    sends this (HTTP/2 has no Transfer-Encoding at all).
#  - idn2_lookup_ul: only for a non-ASCII host name (ours come from
#    configuration; redirects are not followed). -100 (IDN2_MALLOC) makes curl
#    fail with CURLE_URL_MALFORMAT without reading the output.
declare -A SAFE_CALLS=(
  [libssh2_init]='return 0;'
  [libssh2_exit]='return 0;'
  [libssh2_version]='return 0;'
  [idn2_check_version]='return 0;'
  [psl_get_version]='return 0;'
  [BrotliDecoderVersion]='return 0;'
  [ZSTD_versionNumber]='return 0;'
  [ldap_get_option]='return -1;'
  [ZSTD_createDStream]='return 0;'
  [BrotliDecoderCreateInstance]='return 0;'
  [idn2_lookup_ul]='return -100;'
)

die() { echo "make-stub-libs: error: $*" >&2; exit 1; }
warn() { echo "make-stub-libs: warning: $*" >&2; }

(($# == 2)) || { echo "usage: $0 LIBCURL OUTDIR" >&2; exit 2; }
LIBCURL=$1 OUTDIR=$2
[[ -f $LIBCURL ]] || die "$LIBCURL: no such file"
[[ -d $OUTDIR ]] || die "$OUTDIR: no such directory"
for tool in cc readelf objdump ldd; do
  command -v "$tool" >/dev/null || die "'$tool' not found"
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# libcurl's imports: "name version-index" (index 0 or 1 = unversioned). Weak
# references need no definition and are left out.
readelf -W --dyn-syms "$LIBCURL" |
  awk '$7 == "UND" && $5 == "GLOBAL" && $8 != "" {
         name = $8; sub(/@.*/, "", name)
         idx = 1; if ($9 ~ /^\([0-9]+\)$/) { idx = substr($9, 2, length($9) - 2) + 0 }
         print name, idx }' >"$TMP/imports"

# .gnu.version_r: "index version-name file" for every version LIBCURL needs.
readelf -W -V "$LIBCURL" |
  awk '/^Version needs section/ { inneed = 1; next }
       /^Version (definition|symbols) section/ { inneed = 0 }
       inneed && / File: / { for (i = 1; i <= NF; i++) if ($i == "File:") file = $(i + 1) }
       inneed && / Name: / { for (i = 1; i <= NF; i++) { if ($i == "Name:") v = $(i + 1); if ($i == "Version:") idx = $(i + 1) }
                             print idx, v, file }' >"$TMP/verneed"

# Where a needed library is: next to LIBCURL, else where ldd finds it.
locate_real() {
  local soname=$1 path
  if [[ -f $(dirname "$LIBCURL")/$soname ]]; then
    echo "$(dirname "$LIBCURL")/$soname"
    return
  fi
  path=$(env -u LD_LIBRARY_PATH ldd "$LIBCURL" 2>/dev/null | awk -v n="$soname" '$1 == n && $3 ~ /^\// { print $3 }')
  [[ -n $path ]] && echo "$path"
}

stub_one() {
  local soname=$1 real=$2 work=$TMP/$1
  mkdir -p "$work"

  # The real library's definitions: "name version type size" (version "-" if none;
  # only the default version, name@@V, or an unversioned name).
  readelf -W --dyn-syms "$real" |
    awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") && $8 != "" {
           name = $8; ver = "-"
           if (index(name, "@@")) { ver = substr(name, index(name, "@@") + 2); name = substr(name, 1, index(name, "@@") - 1) }
           else if (index(name, "@")) next
           print name, ver, $4, $3 }' >"$work/defs"

  # The imports that belong to this library: versioned ones through .gnu.version_r
  # (the version index names the file), unversioned ones by name. Result:
  # "name version type size".
  awk -v soname="$soname" '
    FILENAME == ARGV[1] { if ($3 == soname) { verfile[$1] = soname; vername[$1] = $2; wanted[$2] = 1 }; next }
    FILENAME == ARGV[2] { def[$1] = $2 " " $3 " " $4; defver[$1] = $2; next }
    {
      name = $1; idx = $2
      if (idx in verfile) {
        if (!(name in def)) { print "MISSING " name " " vername[idx]; next }
        if (defver[name] != vername[idx]) { print "MISMATCH " name " " vername[idx] " " defver[name]; next }
        print name, def[name]
      } else if (idx <= 1 && (name in def)) {
        print name, def[name]
      }
    }
    END { for (v in wanted) print "VERSION " v }' "$TMP/verneed" "$work/defs" "$TMP/imports" | sort -u >"$work/syms"

  if grep -q '^MISSING\|^MISMATCH' "$work/syms"; then
    warn "$soname: libcurl's imports do not match $real ($(grep -m1 '^MISSING\|^MISMATCH' "$work/syms")); left as is"
    return 1
  fi
  if ! grep -vq '^VERSION ' "$work/syms"; then
    warn "$soname: libcurl imports no symbol from it; left as is"
    return 1
  fi
  local bad
  if bad=$(awk '$1 != "VERSION" && $3 != "FUNC" && $3 != "OBJECT" { print $1 " (" $3 ")"; exit }' "$work/syms") && [[ -n $bad ]]; then
    warn "$soname: cannot stub $bad; left as is"
    return 1
  fi

  # C source: one trapping function per imported function, one zero-filled object
  # of the real size per imported data object.
  {
    cat <<EOF
/* Generated by scripts/make-stub-libs.sh: a stub of $soname for libcurl.
   No libc: built with -nostdlib, so it needs no GLIBC symbol version. */
__attribute__((used, section(".lambda_stub")))
static const char lambda_stub_note[] = "lambda-stub $soname: generated by scripts/make-stub-libs.sh";

static const char lambda_stub_hint[] =
  "this library was replaced by a stub (scripts/make-stub-libs.sh; build.sh --no-stubs ships the real one)\n";

static void lambda_stub_write(const char *text, unsigned long length) {
#if defined(__x86_64__)
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "0"(1L), "D"(2L), "S"(text), "d"(length) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = 64;
  register long x0 __asm__("x0") = 2;
  register const char *x1 __asm__("x1") = text;
  register unsigned long x2 __asm__("x2") = length;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
#endif
}

/* Write "lambda stub: <lib>: <symbol>() called; ..." to stderr, then trap (SIGILL). */
__attribute__((noreturn, noinline, cold))
static void lambda_stub_called(const char *what, unsigned long length) {
  lambda_stub_write(what, length);
  lambda_stub_write(lambda_stub_hint, sizeof lambda_stub_hint - 1);
  __builtin_trap();
}

#define LAMBDA_STUB_TRAP(name) \\
  long name(void) { \\
    static const char what[] = "lambda stub: $soname: " #name "() called; "; \\
    lambda_stub_called(what, sizeof what - 1); \\
  }

EOF
    local name type size
    while read -r name _ type size; do
      [[ $name == VERSION ]] && continue
      if [[ $type == OBJECT ]]; then
        ((size > 0)) || size=1
        printf '__attribute__((aligned(16))) char %s[%d];\n' "$name" "$size"
      elif [[ -n ${SAFE_CALLS[$name]+set} ]]; then
        printf 'long %s(void) { %s }\n' "$name" "${SAFE_CALLS[$name]}"
      else
        printf 'LAMBDA_STUB_TRAP(%s)\n' "$name"
      fi
    done <"$work/syms"
  } >"$work/stub.c"

  # Version script: every symbol in its real version node, and every version
  # libcurl needs from this file defined (even if empty); or no versions at all.
  local -a versions plain
  mapfile -t versions < <(awk '$1 == "VERSION" { print $2 } $1 != "VERSION" && $2 != "-" { print $2 }' "$work/syms" | LC_ALL=C sort -u)
  mapfile -t plain < <(awk '$1 != "VERSION" && $2 == "-" { print $1 }' "$work/syms")
  if ((${#versions[@]} && ${#plain[@]})); then
    warn "$soname: both versioned and unversioned symbols (${plain[0]}); left as is"
    return 1
  fi
  {
    if ((${#versions[@]} == 0)); then
      printf '{\n  global:\n'; printf '    %s;\n' "${plain[@]}"; printf '  local: *;\n};\n'
    fi
    local v local_all='  local: *;'
    for v in "${versions[@]}"; do
      printf '%s {\n  global:\n' "$v"
      awk -v v="$v" '$1 != "VERSION" && $2 == v { print "    " $1 ";" }' "$work/syms"
      [[ -n $local_all ]] && echo "$local_all"
      echo "};"; local_all=''
    done
  } >"$work/stub.map"

  cc -shared -fPIC -nostdlib -ffreestanding -fno-builtin -fno-stack-protector -O2 -w \
    -Wl,-soname,"$soname" -Wl,--version-script="$work/stub.map" -Wl,-z,noexecstack -Wl,-z,noseparate-code -Wl,-s \
    -o "$work/$soname" "$work/stub.c" || die "$soname: compiling the stub failed (sources in $work)"

  # The stub must need nothing, not even libc.
  if objdump -p "$work/$soname" | grep -q 'NEEDED'; then
    die "$soname: the stub needs a library: $(objdump -p "$work/$soname" | awk '$1 == "NEEDED" { printf "%s ", $2 }')"
  fi

  local real_size; real_size=$(stat -L -c %s "$real")
  install -m 644 "$work/$soname" "$OUTDIR/$soname"
  local nfunc nobj ntrap
  nfunc=$(awk '$3 == "FUNC"' "$work/syms" | wc -l)
  nobj=$(awk '$3 == "OBJECT"' "$work/syms" | wc -l)
  ntrap=$(grep -c '^LAMBDA_STUB_TRAP(' "$work/stub.c" || true)
  echo "stub $soname: $nfunc functions ($((nfunc - ntrap)) with a safe body), $nobj data objects, $(stat -c %s "$OUTDIR/$soname") bytes (replaces $real_size bytes)"
}

stubbed=0
for soname in $(objdump -p "$LIBCURL" | awk '$1 == "NEEDED" { print $2 }'); do
  [[ $soname =~ $STUBBABLE ]] || continue
  real=$(locate_real "$soname") || true
  if [[ -z $real ]]; then
    warn "$soname: not found next to $LIBCURL or by ldd; left as is"
    continue
  fi
  if stub_one "$soname" "$real"; then stubbed=$((stubbed + 1)); fi
done
((stubbed)) || echo "stub: nothing to stub ($(basename "$LIBCURL") needs none of the stubbable libraries)"
