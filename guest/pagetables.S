/* pagetables.S - static identity map of the low 4 GiB with 2 MiB pages. */

/* Built by the assembler, not at run time, so every vCPU can load CR3 at
 * once without racing a builder. The top GiB (LAPIC at 0xFEE00000, IOAPIC,
 * firmware) is mapped uncached (PCD|PWT); the rest write-back. */
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS 0x80

    .section .data.pagetables, "aw"
    .balign 4096
    .globl guest_pml4
guest_pml4:
    .quad guest_pdpt + (PTE_P | PTE_RW)
    .fill 511, 8, 0
guest_pdpt:
    .quad guest_pd + 0x0000 + (PTE_P | PTE_RW)
    .quad guest_pd + 0x1000 + (PTE_P | PTE_RW)
    .quad guest_pd + 0x2000 + (PTE_P | PTE_RW)
    .quad guest_pd + 0x3000 + (PTE_P | PTE_RW)
    .fill 508, 8, 0
guest_pd:
    .set i, 0
    .rept 2048
    .quad (i << 21) | (PTE_P | PTE_RW | PTE_PS) | ((i >= 1536) & (PTE_PCD | PTE_PWT))
    .set i, i + 1
    .endr
