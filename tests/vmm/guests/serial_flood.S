/* serial_flood.S - hostile guest: writes to the serial console without end. */
#include "multiboot.inc"
    mov $0x3f8, %dx
    mov $'x', %al
1:  outb %al, %dx
    jmp 1b
