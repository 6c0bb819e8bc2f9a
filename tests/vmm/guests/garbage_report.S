/* garbage_report.S - hostile guest: prints a malformed report line, then exits OK. */
#include "multiboot.inc"
    mov $msg, %esi
    call print
    mov $0xf4, %dx
    mov $0x10, %eax
    outl %eax, %dx
1:  jmp 1b
#include "serial_print.inc"
msg:
    .ascii "WFIS BOOT v=1 cpu=0 vcpus=1 timer=pv tsc_khz=12x4 tsc_src=host workload=idle\n\0"
