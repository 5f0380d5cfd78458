#include "CPlatform.h"

// The Swift runtime's own accessor, when linked in statically, finds argv in a constructor of its own
// (CommandLine.cpp): it reads /proc/self/maps with sscanf to find the stack and walks back from environ,
// 0.1 million instructions and eight system calls in every start of a static Lambda bootstrap. glibc hands
// argc and argv to every constructor, so this one keeps them, and defining the accessor here keeps the linker
// from bringing in the runtime's (bench/README.md). Where the runtime is a shared library its accessor is
// internal to it, and this one goes unused.
#if defined(__GLIBC__)
static char **cplatform_argv;
static int cplatform_argc;

__attribute__((constructor(101))) static void cplatform_keep_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    cplatform_argc = argc;
    cplatform_argv = argv;
}

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    *outArgLen = cplatform_argc;
    return cplatform_argv;
}
#endif
