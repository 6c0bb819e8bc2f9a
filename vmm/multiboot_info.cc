// multiboot_info.cc - multiboot v1 info block (memory sizes and command line).
#include "multiboot_info.h"

#include <cstring>

namespace wfisvm {

bool write_multiboot_info(GuestMemory *mem, const std::string &cmdline, uint32_t *gpa,
                          std::string *err) {
    if (cmdline.size() + 1 > kCmdlineMax) {
        *err = "guest command line longer than " + std::to_string(kCmdlineMax - 1) + " bytes";
        return false;
    }
    uint32_t info[22] = {};           // the multiboot v1 info layout, 88 bytes
    info[0] = (1u << 0) | (1u << 2);  // mem_* valid, cmdline valid
    info[1] = 640;                    // mem_lower, KiB
    info[2] = static_cast<uint32_t>((mem->size() - kKernelMinGpa) / 1024);  // mem_upper, KiB
    info[4] = static_cast<uint32_t>(kCmdlineGpa);
    if (!mem->write(kMultibootInfoGpa, info, sizeof info) ||
        !mem->write(kCmdlineGpa, cmdline.c_str(), cmdline.size() + 1)) {
        *err = "guest memory too small for the multiboot info";
        return false;
    }
    *gpa = static_cast<uint32_t>(kMultibootInfoGpa);
    return true;
}

}  // namespace wfisvm
