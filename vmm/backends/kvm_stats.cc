// kvm_stats.cc - parses the binary stats header and descriptors once, then preads values.
#include "backends/kvm_stats.h"

#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>

namespace wfisvm {

KvmStats::~KvmStats() {
    if (fd_ >= 0) close(fd_);
}

bool KvmStats::open(int kvm_object_fd) {
#ifdef KVM_GET_STATS_FD
    int fd = ioctl(kvm_object_fd, KVM_GET_STATS_FD, nullptr);
    if (fd < 0) return false;
    kvm_stats_header h{};
    if (pread(fd, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h) || h.name_size == 0 ||
        h.name_size > 4096 || h.num_desc > 4096) {
        close(fd);
        return false;
    }
    // A descriptor is 16 bytes of fields, then the name (the struct's
    // flexible array can make sizeof(kvm_stats_desc) larger in C++).
    constexpr size_t kFixed = 16;
    const size_t desc_size = kFixed + h.name_size;
    std::vector<char> descs(desc_size * h.num_desc);
    if (pread(fd, descs.data(), descs.size(), h.desc_offset) !=
        static_cast<ssize_t>(descs.size())) {
        close(fd);
        return false;
    }
    for (uint32_t i = 0; i < h.num_desc; i++) {
        const char *d = descs.data() + i * desc_size;
        uint16_t size = 0;    // in u64 values, at byte 6
        uint32_t offset = 0;  // into the data block, at byte 8
        std::memcpy(&size, d + 6, sizeof size);
        std::memcpy(&offset, d + 8, sizeof offset);
        const char *name = d + kFixed;
        // Only plain 64-bit counters (one u64), not histograms.
        if (size != 1) continue;
        offsets_.emplace_back(std::string(name, strnlen(name, h.name_size)), offset);
    }
    fd_ = fd;
    data_offset_ = h.data_offset;
    return true;
#else
    (void)kvm_object_fd;
    return false;
#endif
}

std::optional<uint64_t> KvmStats::sum(const std::vector<std::string> &names) const {
    if (fd_ < 0) return std::nullopt;
    uint64_t total = 0;
    for (const auto &n : names) {
        bool found = false;
        for (const auto &[name, off] : offsets_) {
            if (name != n) continue;
            uint64_t v = 0;
            if (pread(fd_, &v, sizeof v, static_cast<off_t>(data_offset_ + off)) !=
                static_cast<ssize_t>(sizeof v))
                return std::nullopt;
            total += v;
            found = true;
            break;
        }
        if (!found) return std::nullopt;
    }
    return total;
}

}  // namespace wfisvm
