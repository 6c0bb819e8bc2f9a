/* idt.c - the 256-entry IDT: generic stubs (isr_stubs.S), the hot vectors direct (isr_fast.c). */
#include "isr_fast.h"
#include "layout.h"
#include "trap.h"
#include "wfis_guest_abi.h"

struct idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
} __attribute__((packed));

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern char isr_stub_table_start[];
#define ISR_STUB_SIZE 16

static struct idt_entry idt[256] __attribute__((aligned(16)));

static void set_gate(int v, uint64_t a) {
    volatile struct idt_entry *e = &idt[v];
    e->off_lo = (uint16_t)a;
    e->sel = GUEST_SEL_CODE64;
    e->ist = 0;
    e->type = 0x8E; /* present, DPL 0, 64-bit interrupt gate (IF cleared) */
    e->off_mid = (uint16_t)(a >> 16);
    e->off_hi = (uint32_t)(a >> 32);
    e->zero = 0;
}

void idt_load(void) {
    for (int v = 0; v < 256; v++)
        set_gate(v, (uint64_t)(uintptr_t)(isr_stub_table_start + v * ISR_STUB_SIZE));
    /* The hot vectors bypass the generic stubs. */
    set_gate(WFIS_VEC_TIMER, (uint64_t)(uintptr_t)isr_timer);
    set_gate(WFIS_VEC_DEVICE, (uint64_t)(uintptr_t)isr_device);
    struct idt_ptr p = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}
