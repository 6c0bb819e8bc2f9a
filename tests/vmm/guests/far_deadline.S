/* far_deadline.S - hostile guest: arms the pv timer at the largest (wrapping) TSC value and waits for it. */
#include "multiboot.inc"
    mov $0xffffffff, %eax
    mov $0x510, %dx
    outl %eax, %dx
    mov $0x514, %dx
    outl %eax, %dx
1:  sti
    hlt
    jmp 1b
