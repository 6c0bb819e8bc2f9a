// elf_loader.h - loads an ELF32 multiboot (v1) kernel image into guest memory, validating
// everything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "guest_memory.h"

namespace wfisvm {

struct LoadedImage {
    uint32_t entry = 0;
    uint64_t lowest = 0;   // lowest guest-physical byte loaded
    uint64_t highest = 0;  // one past the highest byte loaded (incl. bss)
};

// Reads a file of at most max_bytes. err: one line naming the path.
bool read_file(const std::string &path, uint64_t max_bytes, std::vector<uint8_t> *out,
               std::string *err);

// Validates `image` as a little-endian i386 ELF32 executable carrying a
// multiboot v1 header (magic 0x1BADB002 with a valid checksum, 4-aligned in
// the first 8 KiB) and copies its PT_LOAD segments (by p_paddr, bss zeroed)
// into memory. Every segment must lie within [min_gpa, memory size) and the
// entry inside an executable segment. Untrusted input: any inconsistency
// gives a one-line error, nothing is read or written out of bounds.
bool load_multiboot_elf(const std::vector<uint8_t> &image, uint64_t min_gpa, GuestMemory *memory,
                        LoadedImage *out, std::string *err);

}  // namespace wfisvm
