#ifndef CPLATFORM_H
#define CPLATFORM_H

// Descriptors made with close-on-exec set from the start. Swift's Glibc module is built without _GNU_SOURCE, so
// accept4(2) and pipe2(2) are not visible to Swift; descriptors.c defines it and calls them. Where they do not exist
// (Darwin), the flag is set right after, which is the best that platform allows. -1 with errno set on failure.

// The next connection on a listening socket.
int cplatform_accept_cloexec(int listening);

// A pipe; ends[0] reads, ends[1] writes.
int cplatform_pipe_cloexec(int ends[2]);

// A spawn file action that closes every descriptor from `lowest` up in the child (glibc 2.34's
// posix_spawn_file_actions_addclosefrom_np, also hidden without _GNU_SOURCE); where it does not exist, nothing is
// added and 0 is returned. `actions` is a posix_spawn_file_actions_t.
int cplatform_spawn_close_from(void *actions, int lowest);

#if defined(__linux__)
#include <features.h>
#endif
#if defined(__GLIBC__)
// The process's arguments as glibc handed them to constructors: argv, its count in *outArgLen. Under the Swift
// runtime's own name, so that a static executable links this instead of the runtime's (arguments.c).
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
#endif

#endif
