/* spin_timer.S - test guest: switches to long mode, then takes 50 pv timer interrupts while
 * spinning with interrupts enabled (never halting), so each must be fired by the host while
 * the vCPU is inside KVM_RUN; then prints a minimal report and exits OK. */
#include "multiboot.inc"
    /* Identity-map the first 2 MiB with one large page. */
    mov $pdpt, %eax
    or $3, %eax
    mov %eax, pml4
    mov $pd, %eax
    or $3, %eax
    mov %eax, pdpt
    movl $0x83, pd
    mov $pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax                /* PAE */
    mov %eax, %cr4
    mov $0xc0000080, %ecx         /* EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax          /* paging on: long mode */
    mov %eax, %cr0
    lgdt gdt_desc
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    /* IDT gate 0x20 -> tick (64-bit interrupt gate, selector 0x08). */
    lea tick(%rip), %rax
    lea idt + 0x20 * 16(%rip), %rdi
    mov %ax, (%rdi)
    movw $0x08, 2(%rdi)
    movw $0x8e00, 4(%rdi)
    shr $16, %rax
    mov %ax, 6(%rdi)
    shr $16, %rax
    mov %eax, 8(%rdi)
    lidt idt_desc(%rip)
    mov $0x508, %dx               /* TSC kHz: one tick = 1 ms of guest TSC */
    in %dx, %eax
    mov %eax, khz(%rip)
next:
    mov counter(%rip), %ecx
    cmp $50, %ecx
    je done
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov khz(%rip), %edx
    add %rdx, %rax
    mov %rax, %rbx
    mov $0x510, %dx
    out %eax, %dx
    mov %rbx, %rax
    shr $32, %rax
    mov $0x514, %dx
    out %eax, %dx
    sti
2:  cmp counter(%rip), %ecx       /* spin, interrupts on, no HLT */
    je 2b
    cli
    jmp next
done:
    lea report(%rip), %rsi
    call print
    mov $0xf4, %dx
    mov $0x10, %eax
    out %eax, %dx
3:  jmp 3b

tick:
    incl counter(%rip)
    iretq

#include "serial_print.inc"

    .align 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff      /* 0x08: code, 64-bit */
    .quad 0x00cf92000000ffff      /* 0x10: data */
gdt_desc:
    .word 23
    .long gdt
idt_desc:
    .word 0xfff
    .long idt, 0
counter:
    .long 0
khz:
    .long 0
report:
    .ascii "WFIS BOOT v=1 cpu=0 vcpus=1 timer=pv tsc_khz=1 tsc_src=host workload=idle\n"
    .ascii "WFIS CPU cpu=0 timer_irqs=50 timer_armed=50 dev_irqs=0 dev_acks=0 work_units=0 "
    .ascii "run_ms=50 halts=0 spurious=0\n"
    .ascii "WFIS END status=ok vcpus=1\n\0"
    .align 4096
pml4:
    .fill 512, 8, 0
pdpt:
    .fill 512, 8, 0
pd:
    .fill 512, 8, 0
idt:
    .fill 512, 8, 0
