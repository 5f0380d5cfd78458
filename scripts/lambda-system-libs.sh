# shellcheck shell=bash
# Sourced by build.sh and scripts/check-lambda-zip.sh: the shared libraries every provided.al2023 host
# has (glibc's own and libgcc_s). Every other library a bootstrap needs travels in the zip's lib/.
# shellcheck disable=SC2034 # used by the scripts that source this file
SYSTEM_LIBS='^(linux-vdso|linux-gate|ld-linux[-a-z0-9_]*|libc|libm|libdl|libpthread|librt|libresolv|libgcc_s)\.so'
