/* timer_storm.S - hostile guest: arms the pv timer in the past over and over. */
#include "multiboot.inc"
1:  mov $1, %eax
    mov $0x510, %dx
    outl %eax, %dx
    xor %eax, %eax
    mov $0x514, %dx
    outl %eax, %dx
    jmp 1b
