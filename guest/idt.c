/* idt.c - the 256-entry IDT pointing at the stubs of isr_stubs.S. */
#include "layout.h"
#include "trap.h"

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

void idt_load(void) {
    for (int v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)(uintptr_t)(isr_stub_table_start + v * ISR_STUB_SIZE);
        volatile struct idt_entry *e = &idt[v];
        e->off_lo = (uint16_t)a;
        e->sel = GUEST_SEL_CODE64;
        e->ist = 0;
        e->type = 0x8E; /* present, DPL 0, 64-bit interrupt gate (IF cleared) */
        e->off_mid = (uint16_t)(a >> 16);
        e->off_hi = (uint32_t)(a >> 32);
        e->zero = 0;
    }
    struct idt_ptr p = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}
