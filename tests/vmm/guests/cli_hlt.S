/* cli_hlt.S - hostile guest: halts with interrupts disabled (it can never wake). */
#include "multiboot.inc"
    cli
1:  hlt
    jmp 1b
