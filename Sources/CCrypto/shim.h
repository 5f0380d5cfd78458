#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H

#include <openssl/evp.h>
#include <openssl/hmac.h>

// SHA-256 and HMAC for SigV4 and the limit keys (AWSSigning). The endpoint's RSA is in the C target CTokenKeys.

#endif
