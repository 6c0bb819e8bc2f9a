// log.h - the process-wide log hook (wfisleep_set_log) and how the library logs a line.
#pragma once

namespace wfisleep {

using LogFn = void (*)(void *ctx, const char *line);

// Replaces the hook; fn == nullptr restores the default (stderr). Takes a
// mutex (setter side only).
void set_log(LogFn fn, void *ctx) noexcept;

// Sends one line (no trailing newline) to the current hook. Lock-free and
// allocation-free: safe on the plan path.
void log_line(const char *line) noexcept;

}  // namespace wfisleep
