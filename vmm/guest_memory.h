// guest_memory.h - guest RAM and the one checked accessor every guest-physical access goes through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wfisvm {

class GuestMemory {
  public:
    GuestMemory() = default;
    GuestMemory(const GuestMemory &) = delete;
    GuestMemory &operator=(const GuestMemory &) = delete;
    ~GuestMemory();

    // Anonymous zeroed memory of `size` bytes (a multiple of 4096).
    bool allocate(uint64_t size, std::string *err);
    uint64_t size() const { return size_; }
    // For handing the region to the hypervisor only.
    void *host_base() const { return base_; }

    // Host pointer to guest-physical [gpa, gpa + len), or nullptr when any
    // part lies outside RAM (overflow-safe). The only way to reach guest RAM.
    uint8_t *at(uint64_t gpa, uint64_t len) const;
    bool write(uint64_t gpa, const void *src, uint64_t len);
    bool fill(uint64_t gpa, uint8_t byte, uint64_t len);

  private:
    uint8_t *base_ = nullptr;
    uint64_t size_ = 0;
};

}  // namespace wfisvm
