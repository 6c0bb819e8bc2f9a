/* unknown_port.S - hostile guest: writes to an I/O port the VMM does not implement. */
#include "multiboot.inc"
    mov $0x1234, %dx
    mov $0x55, %al
    outb %al, %dx
1:  jmp 1b
