#ifndef CKERNELRANDOM_SHIM_H
#define CKERNELRANDOM_SHIM_H

// getrandom(2): Swift's Glibc module does not import <sys/random.h>.
#include <sys/random.h>

#endif
