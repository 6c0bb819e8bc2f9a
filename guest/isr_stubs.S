/* isr_stubs.S - one entry stub per IDT vector and the common register save. */

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .code64
    .balign 16
    .globl isr_stub_table_start
isr_stub_table_start:
    .set v, 0
    .rept 256
    .balign 16
    .if HAS_ERR(v)
    pushq $v
    .else
    pushq $0
    pushq $v
    .endif
    jmp isr_common
    .set v, v + 1
    .endr

/* Frame layout on entry to trap_dispatch matches struct trap_frame (trap.h):
 * the 9 caller-saved GPRs (the C code preserves the others; 9 pushes keep
 * the call 16-byte aligned), vector, error code, then the CPU's RIP,
 * CS, RFLAGS, RSP, SS. Kept short on purpose: on this machine's KVM every
 * guest instruction here costs about a microsecond.
 * Interrupt gates enter with IF=0; nothing here touches SSE state because
 * the whole guest is built with -mgeneral-regs-only. */
isr_common:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    mov %rsp, %rdi
    cld
    call trap_dispatch
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    add $16, %rsp               /* vector and error code */
    iretq
