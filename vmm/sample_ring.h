// sample_ring.h - reads the guest's exact lateness samples (abi/wfis_guest_abi.h, "Sample ring")
// out of a copy or mapping of guest RAM, treating it as untrusted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wfisvm {

struct RingSamples {
    std::vector<int64_t> ns;  // every stored sample of the vCPUs read so far (< 0: early)
    uint64_t missed = 0;      // missed ticks among them (and among the dropped)
    uint64_t dropped = 0;     // samples the guest had no room for
};

// Appends vCPU `cpu`'s ring found in guest RAM [ram, ram + ram_size) to
// *out: signed samples under WFIS_RING_MAGIC_SIGNED, unsigned ones under a
// version 2 guest's WFIS_RING_MAGIC. False (and *err, one line) when the
// ring is absent (no magic: an old
// guest, or a vCPU beyond WFIS_RING_MAX_CPUS) or malformed (capacity or
// stored out of range); *out is then unchanged.
bool read_sample_ring(const uint8_t *ram, uint64_t ram_size, uint32_t cpu, RingSamples *out,
                      std::string *err);

}  // namespace wfisvm
