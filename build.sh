#!/usr/bin/env bash
# Build the four Lambda functions and package each as .build/lambda/<name>.zip
# for the provided.al2023 runtime (bootstrap at the zip root; any non-glibc shared
# library in lib/, found through an $ORIGIN/lib rpath).
#
#   ./build.sh [--arch x86_64|arm64] [--native|--docker] [--smoke] [--no-stubs] [--pie]
#
# With a running Docker engine the build runs in $SWIFT_IMAGE (the reference
# way); otherwise, or with --native, it uses the host's toolchain and makes the
# result fit glibc 2.34. Either way scripts/check-lambda-zip.sh then checks every
# zip (glibc versions, libraries, mode); --smoke also runs each bootstrap under
# local-lambda (built here first) with the matching events/<trigger>-*.json.
# Every bootstrap is a position-dependent executable (no relocations to apply at
# start-up: 1.6 MB less memory and about 0.6 ms less CPU per cold start; its own
# image then sits at a fixed address; --pie builds position-independent ones) with libgcc's unwinder linked in (no libgcc_s.so.1),
# linked twice with the toolchain's lld: the second time with the code each function runs at start-up and per invocation
# laid out together, from a run of the first under callgrind (scripts/make-symbol-order.py; needs valgrind and
# openssl, else the first link is kept). create links libcurl, OpenSSL, nghttp2
# and zlib statically when their static archives are there (Debian:
# libcurl4-openssl-dev libssl-dev libnghttp2-dev zlib1g-dev), so its zip holds
# only bootstrap; libcurl's other dependencies (SSH, LDAP, RTMP, GSSAPI, IDN, PSL,
# brotli, zstd), which this project never reaches, are linked as stubs
# (scripts/make-stub-libs.sh). Without libcurl.a (Amazon Linux) libcurl is linked
# dynamically and shipped in lib/, its unused dependencies as stub libraries.
# --no-stubs links libcurl dynamically and ships all its real libraries instead.
set -euo pipefail

FUNCTIONS=(define-auth-challenge create-auth-challenge verify-auth-challenge pre-sign-up)
SWIFT_IMAGE=${SWIFT_IMAGE:-swift:6.3-amazonlinux2023}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$ROOT/.build/lambda
cd "$ROOT"

die() { echo "build.sh: error: $*" >&2; exit 1; }
usage() { sed -n '2,26s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

host_arch() { case $(uname -m) in x86_64) echo x86_64 ;; aarch64|arm64) echo arm64 ;; *) uname -m ;; esac; }

ARCH=$(host_arch) MODE=auto SMOKE=() NO_STUBS=() PIE=()
while (($#)); do
  case $1 in
    --arch) [[ $# -ge 2 ]] || die "--arch needs a value"; ARCH=$2; shift ;;
    --arch=*) ARCH=${1#*=} ;;
    --native) MODE=native ;;
    --docker) MODE=docker ;;
    --smoke) SMOKE=(--smoke) ;;
    --no-stubs) NO_STUBS=(--no-stubs) ;;
    --pie) PIE=(--pie) ;;
    -h|--help) usage ;;
    *) echo "build.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $ARCH == x86_64 || $ARCH == arm64 ]] || die "--arch must be x86_64 or arm64, not '$ARCH'"

if [[ $MODE == auto ]]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then MODE=docker; else MODE=native; fi
fi

# --- Reference build: inside the official Swift Amazon Linux 2023 image. ------
# The container runs this same script with --native, so the checks run there too.
if [[ $MODE == docker ]]; then
  docker info >/dev/null 2>&1 || die "--docker needs a running Docker engine ('docker info' failed)"
  platform=linux/amd64; [[ $ARCH == arm64 ]] && platform=linux/arm64
  echo "==> building in $SWIFT_IMAGE ($platform)"
  docker run --rm --platform "$platform" -v "$ROOT":/src -w /src "$SWIFT_IMAGE" bash -ec "
    dnf install -y -q libcurl-devel openssl-devel libstdc++-static zip unzip binutils findutils python3 >/dev/null
    SCRATCH=.build/al2023-$ARCH ./build.sh --native --arch $ARCH ${SMOKE[*]} ${NO_STUBS[*]} ${PIE[*]}
    chown -R $(id -u):$(id -g) .build"
  exit
fi

# --- Native build. -----------------------------------------------------------
[[ $ARCH == "$(host_arch)" ]] ||
  die "cannot build $ARCH on a $(host_arch) host without Docker; see 'Cross-building for arm64' in docs/deploy.md"
for tool in swift cc zip unzip objdump readelf ldd strip; do
  command -v "$tool" >/dev/null || die "'$tool' not found (needs the Swift toolchain, gcc, zip, unzip, binutils)"
done

# glibc compatibility, linked into every bootstrap. provided.al2023 has glibc 2.34:
#  - Swift's Glibc overlay calls hypotf, which glibc 2.35 re-versioned; bind the old version.
#  - the static libstdc++ (std::random_device) calls arc4random, new in glibc 2.36.
#  - libgcc's unwinder, linked in below, asks glibc 2.35's _dl_find_object for the unwind tables of an
#    address where the build host's glibc has it (Debian 12); the same answer from dl_iterate_phdr.
COMPAT=$OUT/compat
mkdir -p "$COMPAT/static"
case $ARCH in x86_64) glibc_base=GLIBC_2.2.5 ;; arm64) glibc_base=GLIBC_2.17 ;; esac
cat >"$COMPAT/glibc-compat.c" <<EOF
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
float __compat_hypotf(float, float);
__asm__(".symver __compat_hypotf, hypotf@$glibc_base");
float hypotf(float x, float y) { return __compat_hypotf(x, y); }
uint32_t arc4random(void) {
  uint32_t v;
  while (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
    if (errno != EINTR) abort();
  return v;
}
#ifdef DLFO_STRUCT_HAS_EH_DBASE
struct found { uintptr_t address; struct dl_find_object *result; };
static int find_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct found *f = data;
  void *start = NULL, *end = NULL, *eh_frame = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t from = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && f->address >= from && f->address - from < ph->p_memsz) {
      start = (void *)from;
      end = (void *)(from + ph->p_memsz);
    }
    if (ph->p_type == PT_GNU_EH_FRAME) eh_frame = (void *)from;
  }
  if (start == NULL) return 0;
  f->result->dlfo_map_start = start;
  f->result->dlfo_map_end = end;
  f->result->dlfo_eh_frame = eh_frame;
  return 1;
}
int _dl_find_object(void *address, struct dl_find_object *result) {
  struct found f = { (uintptr_t)address, result };
  memset(result, 0, sizeof *result);
  return dl_iterate_phdr(find_object, &f) ? 0 : -1;
}
#endif
EOF
cc -O2 -fPIC -c "$COMPAT/glibc-compat.c" -o "$COMPAT/glibc-compat.o"

# libgcc's unwinder linked in (libgcc_eh.a, which the static libstdc++ and the Swift runtime call), so that no
# bootstrap loads libgcc_s.so.1: loading it and running its constructor (cpuid, which a virtual machine traps)
# cost each start about 0.1 ms here (bench/README.md). Checked first: a backtrace through it walks the stack.
libgcc_eh=()
libgcc_eh_a=$(cc -print-file-name=libgcc_eh.a)
if [[ $libgcc_eh_a == /* && -f $libgcc_eh_a ]]; then
  cat >"$COMPAT/unwind-check.c" <<'EOF'
#include <unwind.h>
static _Unwind_Reason_Code count(struct _Unwind_Context *context, void *frames) {
  (void)context;
  ++*(int *)frames;
  return _URC_NO_REASON;
}
__attribute__((noinline)) static int inner(volatile int *sink) {
  int frames = 0;
  _Unwind_Backtrace(count, &frames);
  *sink = frames;
  return frames;
}
__attribute__((noinline)) static int outer(volatile int *sink) { return inner(sink) + 1; }
int main(void) {
  volatile int sink = 0;
  return outer(&sink) - 1 >= 3 ? 0 : 1;
}
EOF
  { cc -O1 -no-pie -static-libgcc "$COMPAT/unwind-check.c" "$COMPAT/glibc-compat.o" -lm -o "$COMPAT/unwind-check" &&
    "$COMPAT/unwind-check"; } ||
    die "libgcc's unwinder, linked statically with $COMPAT/glibc-compat.o, cannot walk the stack"
  libgcc_eh=(-Xlinker "$libgcc_eh_a")
fi

# Link libstdc++ statically: the Swift runtime needs it, and a system copy may
# need a newer glibc. A -L directory holding only libstdc++.a makes -lstdc++ pick it.
libstdcxx_a=$(cc -print-file-name=libstdc++.a)
[[ -f $libstdcxx_a ]] || die "libstdc++.a not found (install libstdc++-12-dev, or libstdc++-static on Amazon Linux)"
ln -sf "$libstdcxx_a" "$COMPAT/static/libstdc++.a"

# Static libcurl for create: -lcurl (from the CCurl module) finds $COMPAT/static/libcurl.a
# first, a linker script naming Debian's static libcurl and what it needs: nghttp2, OpenSSL,
# zlib, and the stubs for the rest; -lssl and -lcrypto find the static archives there too.
# No -L directory before this one holds those names, so the system's shared libraries are not used.
rm -f "$COMPAT"/static/lib{curl,curl-stubs,ssl,crypto}.a
STATIC_CURL=0
static_archives=(libcurl.a libnghttp2.a libssl.a libcrypto.a libz.a)
if ((${#NO_STUBS[@]} == 0)); then
  declare -A archive=()
  for a in "${static_archives[@]}"; do
    path=$(cc -print-file-name="$a")
    [[ $path == /* && -f $path ]] && archive[$a]=$path
  done
  if [[ -n ${archive[libcurl.a]:-} ]]; then
    missing=()
    for a in "${static_archives[@]}"; do [[ -n ${archive[$a]:-} ]] || missing+=("$a"); done
    ((${#missing[@]} == 0)) ||
      die "libcurl.a is here but not ${missing[*]} (Debian: apt-get install libcurl4-openssl-dev libssl-dev libnghttp2-dev zlib1g-dev)"
    echo "==> static libcurl, OpenSSL, nghttp2, zlib; stubs for libcurl's unused dependencies"
    "$ROOT/scripts/make-stub-libs.sh" --static "${archive[libcurl.a]}" "$COMPAT/static/libcurl-stubs.a" | sed 's/^/    /'
    # With the static libcrypto, Sources/CCurlSupport/openssl-provider.c (built by SwiftPM) finds the
    # default provider's entry point and narrows it to what HTTPS to AWS needs.
    {
      echo "/* -lcurl for the Lambda build (build.sh): Debian's static libcurl and what it needs. */"
      echo "GROUP ( ${archive[libcurl.a]} ${archive[libnghttp2.a]} ${archive[libssl.a]} ${archive[libcrypto.a]} ${archive[libz.a]}"
      echo "        $COMPAT/static/libcurl-stubs.a )"
    } >"$COMPAT/static/libcurl.a"
    ln -sf "${archive[libssl.a]}" "$COMPAT/static/libssl.a"
    ln -sf "${archive[libcrypto.a]}" "$COMPAT/static/libcrypto.a"
    STATIC_CURL=1
  else
    echo "==> no libcurl.a: libcurl is linked dynamically and shipped in lib/"
  fi
fi

link_flags=(
  -Xlinker "$COMPAT/glibc-compat.o"
  -Xlinker -L"$COMPAT/static"
  # SwiftPM exports every symbol of our modules (for tests that link executables); nothing loads a bootstrap's
  # symbols, and the table was 150 KB of each.
  -Xlinker --no-export-dynamic
  "${libgcc_eh[@]}"
)
# Position-dependent unless --pie: a PIE's ~50,000 relative relocations (Swift metadata, OpenSSL's method
# tables) dirty their pages on every cold start. The trade-off is written in docs/security.md.
((${#PIE[@]})) || link_flags+=(-Xswiftc -Xclang-linker -Xswiftc -no-pie)
# Only when libraries travel in lib/: DT_RPATH (not RUNPATH), also used for the libraries' own
# dependencies, and searched before LD_LIBRARY_PATH, so lib/ wins over the runtime's /lib64. Without
# lib/ it would only make the loader try 40 paths under it for libc, libm and libgcc_s.
# shellcheck disable=SC2016 # '$ORIGIN' is for the dynamic loader, not the shell
((STATIC_CURL)) || link_flags+=(-Xlinker --disable-new-dtags -Xlinker -rpath -Xlinker '$ORIGIN/lib')
# (--disable-local-rpath: no DT_RUNPATH $ORIGIN either; nothing but lib/ sits beside bootstrap.)
scratch=(--scratch-path "${SCRATCH:-.build}" --disable-local-rpath)
# Sources/CCurlSupport's debug information in DWARF 4: the toolchain's clang writes DWARF 5 forms that
# valgrind 3.19 (Debian 12), which lays out the code below and runs the benchmark, cannot read.
link_flags+=(-Xcc -gdwarf-4)
# Type metadata through the accessors rather than by mangled name: the runtime then neither demangles the name
# nor looks up the generic arguments' conformances (a scan of every conformance record) on the first use of each
# type. A cold start and first answer of define ran 1.47 million instructions, and runs 0.92 million so
# (bench/README.md); the code is 30 KB larger.
link_flags+=(-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors)

# glibc's own libraries and libgcc_s are on every Lambda host; everything else travels in lib/.
# shellcheck source=scripts/lambda-system-libs.sh
. "$ROOT/scripts/lambda-system-libs.sh"

for fn in "${FUNCTIONS[@]}"; do rm -rf "${OUT:?}/$fn" "$OUT/$fn.zip"; done  # no stale zips if a build fails

# lld, the toolchain's own linker, when it has one: it can lay out code in a given order (below).
linker=()
[[ -x $(dirname "$(command -v swift)")/ld.lld ]] && linker=(-Xswiftc -use-ld=lld)

bin_dir=$(swift build "${scratch[@]}" -c release --show-bin-path)
# The local Lambda that runs the functions for the code layout below and the smoke test, built with the same flags
# (other flags would rebuild every module for the functions).
echo "==> swift build -c release --static-swift-stdlib --product local-lambda"
swift build "${scratch[@]}" -c release --static-swift-stdlib --product local-lambda "${link_flags[@]}" "${linker[@]}" 2>&1 |
  { grep -v "the use of \`mktemp' is dangerous" || true; }
[[ -x $bin_dir/local-lambda ]] || die "swift build left no $bin_dir/local-lambda"
export LOCAL_LAMBDA=$bin_dir/local-lambda
# link_all [ORDER_DIR]: links the four; with ORDER_DIR, each with its own ORDER_DIR/<name>.txt code layout.
link_all() {
  local fn order
  for fn in "${FUNCTIONS[@]}"; do
    order=()
    [[ -n ${1:-} ]] && order=(-Xlinker --symbol-ordering-file="$1/$fn.txt" -Xlinker --no-warn-symbol-ordering)
    # Always link anew: SwiftPM does not see the static libraries, stubs, linker script or order change.
    rm -f "$bin_dir/$fn"
    echo "==> swift build -c release --static-swift-stdlib --product $fn ${order[*]}"
    # (FoundationEssentials' own "use of mktemp is dangerous" link warning is dropped.)
    swift build "${scratch[@]}" -c release --static-swift-stdlib --product "$fn" "${link_flags[@]}" "${linker[@]}" "${order[@]}" 2>&1 |
      { grep -v "the use of \`mktemp' is dangerous" || true; }
    [[ -x $bin_dir/$fn ]] || die "$fn: swift build left no $bin_dir/$fn"
  done
}
link_all

# Link again with the code the functions run laid out together, start-up first: the kernel maps 64 KB
# around every page a process touches, so scattered code costs memory and page faults on every cold
# start. The order comes from running these very executables under callgrind (scripts/make-symbol-order.py).
if ((${#linker[@]})) && command -v valgrind >/dev/null && command -v openssl >/dev/null && command -v python3 >/dev/null; then
  echo "==> laying out the code the functions run (scripts/make-symbol-order.py, callgrind)"
  rm -rf "$COMPAT/symbol-order"
  python3 "$ROOT/scripts/make-symbol-order.py" "$bin_dir" "$COMPAT/symbol-order" | sed 's/^/    /'
  link_all "$COMPAT/symbol-order"
else
  echo "==> no ld.lld, valgrind or openssl: the linker's own code layout (more memory and page faults at start-up)"
fi

for fn in "${FUNCTIONS[@]}"; do
  bin=$bin_dir/$fn
  stage=$OUT/$fn
  mkdir -p "$stage/lib"
  strip --strip-all -o "$stage/bootstrap" "$bin"
  chmod 755 "$stage/bootstrap"
  if ((STATIC_CURL)) && [[ $(objdump -p "$stage/bootstrap") =~ NEEDED\ +lib(curl|ssl|crypto|nghttp2|z)\.so ]]; then
    die "$fn: still needs a shared libcurl, OpenSSL, nghttp2 or zlib although they were to be linked statically"
  fi

  # Bundle the shared-library closure, except glibc and libgcc_s.
  while read -r name _ path _; do
    [[ $name =~ $SYSTEM_LIBS ]] && continue
    [[ $path == /* ]] || die "$fn: ldd could not resolve $name"
    cp -L "$path" "$stage/lib/$name"
    chmod 644 "$stage/lib/$name"
  done < <(env -u LD_LIBRARY_PATH ldd "$stage/bootstrap" | grep '=>')

  # libcurl's unused dependencies -> stubs, then drop the libraries that only
  # the real ones needed (keep exactly the new ldd closure). Skipped when
  # libcurl needs none of them (e.g. Amazon Linux's libcurl-minimal).
  if ((${#NO_STUBS[@]} == 0)) && [[ -f $stage/lib/libcurl.so.4 ]]; then
    "$ROOT/scripts/make-stub-libs.sh" "$stage/lib/libcurl.so.4" "$stage/lib" | sed "s/^/    $fn: /"
    closure=$(env -u LD_LIBRARY_PATH ldd "$stage/bootstrap" | awk '$2 == "=>" { print $1 }')
    for f in "$stage"/lib/*; do
      grep -qxF "$(basename "$f")" <<<"$closure" || rm -f "$f"
    done
  fi
  rmdir "$stage/lib" 2>/dev/null || true

  # Fixed timestamps and order: the same build gives the same zip.
  find "$stage" -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +
  (cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | zip -q -X -D "$OUT/$fn.zip" -@)
done

zips=()
for fn in "${FUNCTIONS[@]}"; do zips+=("$OUT/$fn.zip"); done
"$ROOT/scripts/check-lambda-zip.sh" "${SMOKE[@]}" "${zips[@]}"

echo "==> zips"
for z in "${zips[@]}"; do
  size=$(stat -c %s "$z")
  printf '%10s bytes (%s)  %s\n' "$size" "$(numfmt --to=iec --suffix=B "$size")" "${z#"$ROOT"/}"
done
