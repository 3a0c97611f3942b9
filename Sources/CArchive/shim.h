#include <archive.h>
#include <archive_entry.h>
// libarchive's AE_IF* macros are casts Swift does not import: re-export them as constants.
static const unsigned int ATTACHE_AE_IFREG = AE_IFREG;
static const unsigned int ATTACHE_AE_IFDIR = AE_IFDIR;
// LC_ALL_MASK is an expression macro Swift does not import: the archive writer needs it for its
// thread-local UTF-8 locale (newlocale/uselocale).
#include <locale.h>
static const int ATTACHE_LC_ALL_MASK = LC_ALL_MASK;
