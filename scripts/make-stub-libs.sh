#!/usr/bin/env bash
# Stubs for the libraries that libcurl links for features this project never uses.
#
#   scripts/make-stub-libs.sh --static LIBCURL.a OUT.a   one archive to link with Debian's static libcurl
#   scripts/make-stub-libs.sh LIBCURL.so OUTDIR          shared stubs OUTDIR/<soname> for a bundled libcurl.so
#
# Debian's libcurl is built with every feature, so it needs librtmp, libssh2,
# GSSAPI (krb5), OpenLDAP, libpsl, libidn2, zstd and brotli, and through them
# gnutls, nettle, gmp, p11-kit, unistring, sasl2, ... Our transport
# (Sources/AWSHTTP/CurlTransport.swift) makes that code unreachable: it only
# allows http and https (CURLOPT_PROTOCOLS_STR, also for redirects, which it does
# not follow), asks for no compression (no CURLOPT_ACCEPT_ENCODING), enables no
# cookie engine (libpsl), sets no auth scheme (GSSAPI), and refuses a host name
# that is not ASCII before curl sees it (libidn2). Yet every symbol libcurl imports
# must be defined, by the linker (static) or the dynamic loader (BIND_NOW).
#
# --static: build.sh links libcurl.a, libssl.a, libcrypto.a, libnghttp2.a and
# libz.a into create's bootstrap. For each library of STUBBABLE below that libcurl
# depends on (the NEEDED list of the libcurl.so beside LIBCURL.a), OUT.a gets one
# object that defines exactly the symbols LIBCURL.a leaves undefined and that
# library defines, each with its real type (function or data object) and, for
# data, its real size (zero-filled).
#
# Shared (the fallback when there is no libcurl.a): for each such library that
# LIBCURL.so directly needs, OUTDIR/<soname> is a library with the real soname, no
# DT_NEEDED at all (no libc, so no GLIBC version), and exactly the symbols libcurl
# imports from the real one, each with its real symbol version (from LIBCURL's
# .gnu.version_r), type and size.
#
# Either way every stub function writes "lambda stub: <lib>: <symbol>() called"
# to stderr and traps (SIGILL), except those in SAFE_CALLS, which libcurl calls
# on every run and which get a harmless body. A trap means a code path that was
# believed unreachable ran: ship the real libraries (build.sh --no-stubs) and add
# the call to SAFE_CALLS only once it is understood. Each stub carries the string
# "lambda-stub <soname>" in a .lambda_stub section, which scripts/check-lambda-zip.sh
# lists. Tests/EndToEndTests/StubTests.swift runs a sign-in and every retry path
# through the zip's bootstrap and checks that no trapping stub ran.
#
# The real libraries (for the symbol types and sizes) are taken from libcurl's
# directory if they are there, otherwise from where ldd finds them. A library
# that libcurl does not need is skipped (e.g. Amazon Linux's libcurl-minimal needs
# none of them). A library whose imports cannot be stubbed safely (TLS or other
# unusual symbol types) is left alone, with a warning (shared), or is an error
# (static). Prints one line per stub written.
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
#    though we never ask for one (the server controls this; AWS never sends it).
#    NULL is how they report an allocation failure: curl fails that transfer
#    cleanly (CURLE_OUT_OF_MEMORY) and never calls the other stubs.
#  - idn2_lookup_ul: only for a non-ASCII host name, which CurlTransport refuses
#    before curl sees it. -100 (IDN2_MALLOC) would make curl fail with
#    CURLE_URL_MALFORMAT without reading the output.
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

STATIC=0
[[ ${1:-} == --static ]] && { STATIC=1; shift; }
(($# == 2)) || { echo "usage: $0 --static LIBCURL.a OUT.a | $0 LIBCURL.so OUTDIR" >&2; exit 2; }
LIBCURL=$1 OUT=$2
[[ -f $LIBCURL ]] || die "$LIBCURL: no such file"
for tool in cc readelf objdump nm ldd ar; do
  command -v "$tool" >/dev/null || die "'$tool' not found"
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ((STATIC)); then
  [[ -d $(dirname "$OUT") ]] || die "$(dirname "$OUT"): no such directory"
  # The shared library of the same build names the dependencies and helps find them.
  SHARED=
  for f in "$(dirname "$LIBCURL")"/libcurl.so "$(dirname "$LIBCURL")"/libcurl.so.4; do
    [[ -e $f ]] && { SHARED=$(readlink -f "$f"); break; }
  done
  [[ -n $SHARED ]] || die "no libcurl.so beside $LIBCURL: cannot tell which libraries it depends on"
  # What the archive's objects leave undefined (index 1: no versions in a static link).
  nm -u "$LIBCURL" 2>/dev/null | awk 'NF == 2 { print $2, 1 }' | sort -u >"$TMP/imports"
  : >"$TMP/verneed"
else
  [[ -d $OUT ]] || die "$OUT: no such directory"
  SHARED=$LIBCURL
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
fi

# Where a needed library is: next to libcurl, else where ldd finds it.
locate_real() {
  local soname=$1 path
  if [[ -f $(dirname "$SHARED")/$soname ]]; then
    echo "$(dirname "$SHARED")/$soname"
    return
  fi
  path=$(env -u LD_LIBRARY_PATH ldd "$SHARED" 2>/dev/null | awk -v n="$soname" '$1 == n && $3 ~ /^\// { print $3 }')
  [[ -n $path ]] && echo "$path"
}

# The C source of one stub: one trapping function per imported function (or the
# SAFE_CALLS body), one zero-filled object of the real size per imported data object.
write_source() {
  local soname=$1 syms=$2 name type size
  cat <<EOF
/* Generated by scripts/make-stub-libs.sh: a stub of $soname for libcurl.
   No libc: it makes its own write(2) system call, so it needs no library and no GLIBC version. */
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
  /* Keeps the note with the stub when the linker drops unreferenced sections. */
  __asm__ volatile("" : : "r"(lambda_stub_note));
  __builtin_trap();
}

#define LAMBDA_STUB_TRAP(name) \\
  long name(void) { \\
    static const char what[] = "lambda stub: $soname: " #name "() called; "; \\
    lambda_stub_called(what, sizeof what - 1); \\
  }

EOF
  while read -r name _ type size; do
    [[ $name == VERSION ]] && continue
    if [[ $type == OBJECT ]]; then
      ((size > 0)) || size=1
      printf '__attribute__((aligned(16))) char %s[%d];\n' "$name" "$size"
    elif [[ -n ${SAFE_CALLS[$name]+set} ]]; then
      # The note goes with the safe ones too: a stub that is linked in is listed.
      printf 'long %s(void) { __asm__ volatile("" : : "r"(lambda_stub_note)); %s }\n' "$name" "${SAFE_CALLS[$name]}"
    else
      printf 'LAMBDA_STUB_TRAP(%s)\n' "$name"
    fi
  done <"$syms"
}

CFLAGS=(-fPIC -ffreestanding -fno-builtin -fno-stack-protector -fcf-protection=none -O2 -w)

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
  write_source "$soname" "$work/syms" >"$work/stub.c"

  local nfunc nobj ntrap real_size what
  nfunc=$(awk '$3 == "FUNC"' "$work/syms" | wc -l)
  nobj=$(awk '$3 == "OBJECT"' "$work/syms" | wc -l)
  ntrap=$(grep -c '^LAMBDA_STUB_TRAP(' "$work/stub.c" || true)
  real_size=$(stat -L -c %s "$real")
  what="$nfunc functions ($((nfunc - ntrap)) with a safe body), $nobj data objects"

  if ((STATIC)); then
    cc "${CFLAGS[@]}" -ffunction-sections -fdata-sections -c -o "$TMP/objects/stub-$soname.o" "$work/stub.c" ||
      die "$soname: compiling the stub failed (sources in $work)"
    echo "stub $soname: $what, linked in (replaces $real_size bytes and its own dependencies)"
    return 0
  fi

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

  cc -shared -nostdlib "${CFLAGS[@]}" \
    -Wl,-soname,"$soname" -Wl,--version-script="$work/stub.map" -Wl,-z,noexecstack -Wl,-z,noseparate-code -Wl,-s \
    -o "$work/$soname" "$work/stub.c" || die "$soname: compiling the stub failed (sources in $work)"

  # The stub must need nothing, not even libc.
  if objdump -p "$work/$soname" | grep -q 'NEEDED'; then
    die "$soname: the stub needs a library: $(objdump -p "$work/$soname" | awk '$1 == "NEEDED" { printf "%s ", $2 }')"
  fi

  install -m 644 "$work/$soname" "$OUT/$soname"
  echo "stub $soname: $what, $(stat -c %s "$OUT/$soname") bytes (replaces $real_size bytes)"
}

mkdir -p "$TMP/objects"
stubbed=0
for soname in $(objdump -p "$SHARED" | awk '$1 == "NEEDED" { print $2 }'); do
  [[ $soname =~ $STUBBABLE ]] || continue
  real=$(locate_real "$soname") || true
  if [[ -z $real ]]; then
    ((STATIC)) && die "$soname: not found next to $SHARED or by ldd: cannot tell what to stub"
    warn "$soname: not found next to $LIBCURL or by ldd; left as is"
    continue
  fi
  if stub_one "$soname" "$real"; then
    stubbed=$((stubbed + 1))
  elif ((STATIC)); then
    die "$soname: cannot be stubbed for a static link (see the warning above)"
  fi
done

if ((STATIC)); then
  rm -f "$OUT"
  if ((stubbed)); then
    ar rcsD "$OUT" "$TMP"/objects/*.o
  else
    ar rcsD "$OUT"  # an empty archive links as nothing
    echo "stub: nothing to stub ($(basename "$SHARED") needs none of the stubbable libraries)"
  fi
else
  ((stubbed)) || echo "stub: nothing to stub ($(basename "$LIBCURL") needs none of the stubbable libraries)"
fi
