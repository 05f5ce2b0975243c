/* TEST ONLY, never shipped: Wine 8 has no bcryptprimitives.dll, whose ProcessPrng the Rust
 * standard library calls (python-calamine, cryptography). Windows 8.1+ has it. check_wine.py
 * puts this shim into a throwaway Wine prefix, after it has recorded the missing DLL as a Wine
 * limit, so that the Excel and encryption code of the Windows wheels can still be exercised.
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32!SystemFunction036). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
