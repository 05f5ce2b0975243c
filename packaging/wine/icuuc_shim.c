/* TEST ONLY, never shipped: Wine 8 has no icuuc.dll, which Windows 10 (1703+) ships and Qt
 * 6.11's Qt6Core.dll imports for its ucnv_* text converters (GBK, Big5 ... ; UTF-8, UTF-16 and
 * Latin-1 never reach ICU). check_wine.py puts this shim into a throwaway Wine prefix, after it
 * has recorded the missing DLL as a Wine limit, so that the real window can still be opened:
 * every converter reports "not available", so Qt offers only its built-in encodings. */
#include <stddef.h>
#include <stdint.h>

#define U_FILE_ACCESS_ERROR 4
#define U_UNSUPPORTED_ERROR 16

static void fail(int *status) { if (status && *status <= 0) *status = U_UNSUPPORTED_ERROR; }

void *ucnv_open(const char *name, int *status)
{
    (void)name;
    if (status && *status <= 0) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}
void ucnv_close(void *cnv) { (void)cnv; }
void ucnv_reset(void *cnv) { (void)cnv; }
int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 1; }
const char *ucnv_getName(const void *cnv, int *status) { (void)cnv; fail(status); return NULL; }
void ucnv_getToUCallBack(const void *cnv, void **action, const void **context)
{ (void)cnv; if (action) *action = NULL; if (context) *context = NULL; }
void ucnv_getFromUCallBack(const void *cnv, void **action, const void **context)
{ (void)cnv; if (action) *action = NULL; if (context) *context = NULL; }
void ucnv_setToUCallBack(void *cnv, void *action, const void *context, void **old_action,
                         const void **old_context, int *status)
{ (void)cnv; (void)action; (void)context; (void)old_action; (void)old_context; fail(status); }
void ucnv_setFromUCallBack(void *cnv, void *action, const void *context, void **old_action,
                           const void **old_context, int *status)
{ (void)cnv; (void)action; (void)context; (void)old_action; (void)old_context; fail(status); }
void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *c, void *args, const void *units, int32_t n,
                                     int32_t cp, int reason, int *status)
{ (void)c; (void)args; (void)units; (void)n; (void)cp; (void)reason; fail(status); }
void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *c, void *args, const char *units, int32_t n,
                                   int reason, int *status)
{ (void)c; (void)args; (void)units; (void)n; (void)reason; fail(status); }
void ucnv_cbToUWriteUChars(void *args, const void *source, int32_t n, int32_t offset, int *status)
{ (void)args; (void)source; (void)n; (void)offset; fail(status); }
void ucnv_cbFromUWriteUChars(void *args, const void **source, const void *limit, int32_t offset,
                             int *status)
{ (void)args; (void)source; (void)limit; (void)offset; fail(status); }
void ucnv_toUnicode(void *cnv, void **target, const void *target_limit, const char **source,
                    const char *source_limit, int32_t *offsets, int8_t flush, int *status)
{ (void)cnv; (void)target; (void)target_limit; (void)source; (void)source_limit; (void)offsets;
  (void)flush; fail(status); }
void ucnv_fromUnicode(void *cnv, char **target, const char *target_limit, const void **source,
                      const void *source_limit, int32_t *offsets, int8_t flush, int *status)
{ (void)cnv; (void)target; (void)target_limit; (void)source; (void)source_limit; (void)offsets;
  (void)flush; fail(status); }
int32_t ucnv_toUCountPending(const void *cnv, int *status) { (void)cnv; fail(status); return 0; }
int32_t ucnv_fromUCountPending(const void *cnv, int *status) { (void)cnv; fail(status); return 0; }
const char *ucnv_getStandardName(const char *name, const char *standard, int *status)
{ (void)name; (void)standard; fail(status); return NULL; }
const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
int32_t ucnv_countAvailable(void) { return 0; }
