#ifndef CARCHIVE_SHIM_H
#define CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/// The AE_IF* file-type macros are casts, which Swift does not import; re-exported as constants.
static const unsigned int CArchive_AE_IFREG = AE_IFREG;
static const unsigned int CArchive_AE_IFDIR = AE_IFDIR;
static const unsigned int CArchive_AE_IFLNK = AE_IFLNK;
#endif
