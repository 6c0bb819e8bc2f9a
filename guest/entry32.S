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
    xor %eax, %eax
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
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss.stacks, "aw", @nobits
    .balign 4096
    .globl guest_stacks
guest_stacks:
    .skip GUEST_STACK_SIZE * GUEST_MAX_CPUS
