// kvm_stats.h - reads named counters from a KVM binary statistics fd (KVM_GET_STATS_FD).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wfisvm {

// One vCPU's or VM's statistics. open() on the object's fd; read() may run
// on any thread (pread on the stats fd). Absent on kernels before 5.14.
class KvmStats {
  public:
    KvmStats() = default;
    KvmStats(const KvmStats &) = delete;
    KvmStats &operator=(const KvmStats &) = delete;
    ~KvmStats();

    // False when the kernel has no binary stats (the counters stay absent).
    bool open(int kvm_object_fd);
    // Sum of the named cumulative counters, or nullopt when any is missing.
    std::optional<uint64_t> sum(const std::vector<std::string> &names) const;

  private:
    int fd_ = -1;
    uint64_t data_offset_ = 0;
    std::vector<std::pair<std::string, uint32_t>> offsets_;  // name -> data offset
};

}  // namespace wfisvm
