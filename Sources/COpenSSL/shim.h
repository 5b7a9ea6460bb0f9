#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/evp.h>

/// Sets the GCM IV length (bytes) for the next EVP_DecryptInit_ex; 1 on success.
static inline int COpenSSL_gcm_set_iv_length(EVP_CIPHER_CTX *context, int length) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, length, NULL);
}

/// Sets the expected 16-byte GCM tag before EVP_DecryptFinal_ex; 1 on success.
static inline int COpenSSL_gcm_set_tag(EVP_CIPHER_CTX *context, const unsigned char *tag) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag);
}
#endif
