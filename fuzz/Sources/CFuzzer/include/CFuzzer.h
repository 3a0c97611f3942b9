// libFuzzer's driver (compiler-rt), for the fuzz targets' entry points: SwiftPM names an
// executable's entry point `<Target>_main`, so each target defines that and hands over to libFuzzer.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
