/* mmio.S - hostile guest: reads guest-physical memory that is not RAM. */
#include "multiboot.inc"
    mov 0xf0000000, %eax
1:  jmp 1b
