// multiboot_info.h - writes the multiboot v1 information structure and command line into guest
// memory.
#pragma once

#include <cstdint>
#include <string>

#include "guest_memory.h"

namespace wfisvm {

// Guest-physical placement (below the 1 MiB the kernel image may use).
constexpr uint64_t kMultibootInfoGpa = 0x9000;
constexpr uint64_t kCmdlineGpa = 0x9100;
constexpr uint64_t kCmdlineMax = 0x0f00;  // bytes incl. the NUL
constexpr uint64_t kKernelMinGpa = 0x100000;

// Writes the info block (flags: mem_lower/mem_upper, cmdline) and the
// NUL-terminated command line. Returns the info block's address in *gpa.
bool write_multiboot_info(GuestMemory *memory, const std::string &cmdline, uint32_t *gpa,
                          std::string *err);

}  // namespace wfisvm
