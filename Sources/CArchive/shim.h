#include <archive.h>
#include <archive_entry.h>
// libarchive's AE_IF* macros are casts Swift does not import: re-export them as constants.
static const unsigned int ATTACHE_AE_IFREG = AE_IFREG;
static const unsigned int ATTACHE_AE_IFDIR = AE_IFDIR;
