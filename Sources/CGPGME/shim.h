#ifndef CGPGME_SHIM_H
#define CGPGME_SHIM_H
#include <gpgme.h>

/// gpgme_err_code / gpgme_err_source are inline functions over macros; re-exported with a module prefix.
static inline gpgme_err_code_t CGPGME_err_code(gpgme_error_t err) { return gpgme_err_code(err); }
static inline gpgme_err_source_t CGPGME_err_source(gpgme_error_t err) { return gpgme_err_source(err); }
#endif
