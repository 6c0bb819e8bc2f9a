/* triple_fault.S - hostile guest: raises #UD with an IDT of absent gates (#NP -> #DF -> triple fault). */
#include "multiboot.inc"
    lidt idt
    ud2
1:  jmp 1b
    .align 8
idt:
    .word 0x7ff
    .long 0x500000
