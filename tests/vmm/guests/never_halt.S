/* never_halt.S - hostile guest: spins forever without an exit, report or halt. */
#include "multiboot.inc"
1:  jmp 1b
