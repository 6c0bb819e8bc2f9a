/* exit_fail.S - hostile guest: exits with WFIS_EXIT_FAIL. */
#include "multiboot.inc"
    mov $0xf4, %dx
    mov $0x11, %eax
    outl %eax, %dx
1:  jmp 1b
