// SHA-256 (FIPS 180-4) of a file, for checking the digests an image archive names its blobs
// and layers by. In C: hashing hundreds of MB in a debug build of Swift would take minutes.
#ifndef CORRAL_CDIGEST_H
#define CORRAL_CDIGEST_H

// Reads fd to its end and writes the 32-byte digest to out. Returns 0, or -errno.
int cdigest_sha256_fd(int fd, unsigned char out[32]);

// The digest of n bytes at data.
void cdigest_sha256(const void *data, unsigned long n, unsigned char out[32]);

#endif
