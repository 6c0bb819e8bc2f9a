/* console.h - COM1 output shared by all vCPUs, one whole line at a time. */
#ifndef WFIS_GUEST_CONSOLE_H
#define WFIS_GUEST_CONSOLE_H

/* Takes the console for a group of lines so they are not interleaved with
 * another vCPU's. Spins (bounded, so a vCPU that died holding it cannot
 * silence the others for ever); returns at once if this vCPU already holds
 * it (an exception report from inside a print). */
void console_lock(void);
void console_unlock(void);

/* Writes s and a newline to COM1 (THR polled through LSR). Call with the
 * console locked, or use console_line for a single line. */
void console_puts(const char *s);
void console_line(const char *s);

#endif
