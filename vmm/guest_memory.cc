// guest_memory.cc - guest RAM allocation and bounds-checked access.
#include "guest_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace wfisvm {

GuestMemory::~GuestMemory() {
    if (base_) munmap(base_, size_);
}

bool GuestMemory::allocate(uint64_t size, std::string *err) {
    void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        *err = std::string("cannot allocate guest memory: ") + std::strerror(errno);
        return false;
    }
    base_ = static_cast<uint8_t *>(p);
    size_ = size;
    return true;
}

uint8_t *GuestMemory::at(uint64_t gpa, uint64_t len) const {
    if (gpa > size_ || len > size_ - gpa) return nullptr;
    return base_ + gpa;
}

bool GuestMemory::write(uint64_t gpa, const void *src, uint64_t len) {
    uint8_t *p = at(gpa, len);
    if (!p) return false;
    std::memcpy(p, src, len);
    return true;
}

bool GuestMemory::fill(uint64_t gpa, uint8_t byte, uint64_t len) {
    uint8_t *p = at(gpa, len);
    if (!p) return false;
    std::memset(p, byte, len);
    return true;
}

}  // namespace wfisvm
