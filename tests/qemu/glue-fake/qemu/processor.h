/* processor.h (fake) - the spin-loop hint. */
#ifndef GLUE_FAKE_PROCESSOR_H
#define GLUE_FAKE_PROCESSOR_H
#define cpu_relax() __asm__ volatile("" ::: "memory")
#endif
