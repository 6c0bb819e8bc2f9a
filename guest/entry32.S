/* entry32.S - multiboot header and the 32-bit entry that switches to long mode. */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000002 /* ask for the memory map fields; ELF layout */
#define PORT_CPU_ID 0x504
#define PORT_EXIT 0xF4
#define EXIT_FAIL 0x11

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

/* Every vCPU starts here in flat 32-bit protected mode, paging off, with
 * EAX = multiboot magic and EBX = multiboot info. Nothing is written to
 * shared memory before the stack is chosen, and the GDT and page tables are
 * static data, so any number of vCPUs may run this at once. */
    .section .text.entry32, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov %eax, %edi              /* multiboot magic */
    mov %ebx, %esi              /* multiboot info address */
    mov $PORT_CPU_ID, %dx
    in %dx, %eax                /* our VMM: index; QEMU: 0xffffffff */
    cmp $0xffffffff, %eax
    jne 1f
    /* QEMU: the initial APIC ID (CPUID.1:EBX[31:24]) is the index; QEMU
     * numbers the vCPUs of -smp N 0..N-1. */
    mov $1, %eax
    cpuid
    mov %ebx, %eax
    shr $24, %eax
    mov %esi, %ebx              /* cpuid clobbered it; esi holds the info */
1:  cmp $GUEST_MAX_CPUS, %eax
    jae too_many_cpus
    mov %eax, %ebp              /* vCPU index */
    lea 1(%eax), %ecx
    shl $GUEST_STACK_SHIFT, %ecx
    lea guest_stacks(%ecx), %esp

    lgdt gdt_ptr
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $guest_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx       /* EFER */
    rdmsr
    or $0x100, %eax             /* LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax        /* PG | PE */
    and $0x9FFFFFFF, %eax       /* caches on: clear CD and NW */
    mov %eax, %cr0
    ljmp $GUEST_SEL_CODE64, $long_entry

too_many_cpus:
    mov $PORT_EXIT, %dx
    mov $EXIT_FAIL, %eax
    out %eax, %dx
2:  hlt
    jmp 2b

    .code64
long_entry:
    mov $GUEST_SEL_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    /* Upper register halves are undefined after the switch: zero-extend. */
    mov %esp, %esp
    mov %edi, %edi
    mov %esi, %esi
    mov %ebp, %edx
    xor %ebp, %ebp
    call guest_main             /* (magic, mbi, cpu); does not return */
3:  cli
    hlt
    jmp 3b

/* Flat GDT: null, 64-bit code, data. */
    .section .rodata.gdt, "a"
    .balign 16
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* GUEST_SEL_CODE64: long mode, DPL 0 */
    .quad 0x00CF92000000FFFF    /* GUEST_SEL_DATA: flat read/write */
    .quad 0x00CF9A000000FFFF    /* GUEST_SEL_CODE32: flat 32-bit, for APs */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

/* Real-mode start-up code for application processors under QEMU: copied
 * to GUEST_AP_TRAMPOLINE by vCPU 0, entered through SIPI at CS:IP =
 * (GUEST_AP_TRAMPOLINE >> 4):0. Switches to flat 32-bit protected mode and
 * joins the common entry, which finds the vCPU's index from its APIC ID. */
#define TRAMP(sym) ((sym) - ap_trampoline_start + GUEST_AP_TRAMPOLINE)
    .section .rodata.trampoline, "a"
    .code16
    .globl ap_trampoline_start, ap_trampoline_end
ap_trampoline_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TRAMP(ap_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax                 /* PE */
    mov %eax, %cr0
    ljmpl $GUEST_SEL_CODE32, $TRAMP(ap_protected)
    .code32
ap_protected:
    mov $GUEST_SEL_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    xor %eax, %eax              /* no multiboot magic: only vCPU 0 reads it */
    xor %ebx, %ebx
    mov $_start, %ecx
    jmp *%ecx
    .balign 4
ap_gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
ap_trampoline_end:

    .section .bss.stacks, "aw", @nobits
    .balign 4096
    .globl guest_stacks
guest_stacks:
    .skip GUEST_STACK_SIZE * GUEST_MAX_CPUS
