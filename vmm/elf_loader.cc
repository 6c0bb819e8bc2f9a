// elf_loader.cc - ELF32 multiboot loader (untrusted input, every field checked).
#include "elf_loader.h"

#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "hex_text.h"

namespace wfisvm {
namespace {

constexpr uint32_t kMultibootMagic = 0x1BADB002u;
constexpr size_t kMultibootSearch = 8192;

}  // namespace

bool read_file(const std::string &path, uint64_t max_bytes, std::vector<uint8_t> *out,
               std::string *err) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        *err = "cannot open guest '" + path + "'";
        return false;
    }
    f.seekg(0, std::ios::end);
    std::streamoff n = f.tellg();
    if (n < 0 || static_cast<uint64_t>(n) > max_bytes) {
        *err = "guest '" + path + "' is larger than " + std::to_string(max_bytes) + " bytes";
        return false;
    }
    f.seekg(0);
    out->resize(static_cast<size_t>(n));
    if (n > 0 && !f.read(reinterpret_cast<char *>(out->data()), n)) {
        *err = "cannot read guest '" + path + "'";
        return false;
    }
    return true;
}

bool load_multiboot_elf(const std::vector<uint8_t> &img, uint64_t min_gpa, GuestMemory *mem,
                        LoadedImage *out, std::string *err) {
    const std::string what = "guest ELF: ";
    Elf32_Ehdr eh;
    if (img.size() < sizeof eh) {
        *err = what + "file too small for an ELF header";
        return false;
    }
    std::memcpy(&eh, img.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        *err = what + "not an ELF file (bad magic)";
        return false;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_386 || eh.e_type != ET_EXEC) {
        *err = what + "not a little-endian i386 ELF32 executable (multiboot needs ELF32)";
        return false;
    }
    if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phnum == 0 ||
        uint64_t{eh.e_phoff} + uint64_t{eh.e_phnum} * sizeof(Elf32_Phdr) > img.size()) {
        *err = what + "program header table missing or outside the file";
        return false;
    }
    // Multiboot header: 4-aligned, within the first 8 KiB.
    bool mb = false;
    for (size_t off = 0; off + 12 <= img.size() && off + 12 <= kMultibootSearch; off += 4) {
        uint32_t w[3];
        std::memcpy(w, img.data() + off, sizeof w);
        if (w[0] == kMultibootMagic && static_cast<uint32_t>(w[0] + w[1] + w[2]) == 0) {
            mb = true;
            break;
        }
    }
    if (!mb) {
        *err = what + "no valid multiboot v1 header in the first 8 KiB";
        return false;
    }
    bool entry_ok = false;
    uint64_t lowest = UINT64_MAX, highest = 0;
    int loads = 0;
    for (uint32_t i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        std::memcpy(&ph, img.data() + eh.e_phoff + uint64_t{i} * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz || uint64_t{ph.p_offset} + ph.p_filesz > img.size()) {
            *err = what + "segment " + std::to_string(i) + " has file data outside the file";
            return false;
        }
        uint64_t start = ph.p_paddr, end = uint64_t{ph.p_paddr} + ph.p_memsz;
        if (start < min_gpa || end > mem->size()) {
            *err = what + "segment " + std::to_string(i) + " [" + hex_text(start) + ", " +
                   hex_text(end) + ") is outside guest RAM [" + hex_text(min_gpa) + ", " +
                   hex_text(mem->size()) + ")";
            return false;
        }
        if (!mem->write(start, img.data() + ph.p_offset, ph.p_filesz) ||
            !mem->fill(start + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz)) {
            *err = what + "segment " + std::to_string(i) + " does not fit guest RAM";
            return false;
        }
        if ((ph.p_flags & PF_X) && eh.e_entry >= start && eh.e_entry < end) entry_ok = true;
        lowest = std::min(lowest, start);
        highest = std::max(highest, end);
        loads++;
    }
    if (loads == 0) {
        *err = what + "no loadable segment";
        return false;
    }
    if (!entry_ok) {
        *err =
            what + "entry point " + hex_text(eh.e_entry) + " is not inside an executable segment";
        return false;
    }
    out->entry = eh.e_entry;
    out->lowest = lowest;
    out->highest = highest;
    return true;
}

}  // namespace wfisvm
