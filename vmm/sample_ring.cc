// sample_ring.cc - validates one vCPU's ring header and copies its samples.
#include "sample_ring.h"

#include <cstring>

#include "wfis_guest_abi.h"

namespace wfisvm {

bool read_sample_ring(const uint8_t *ram, uint64_t ram_size, uint32_t cpu, RingSamples *out,
                      std::string *err) {
    const std::string who = "sample ring of vCPU " + std::to_string(cpu);
    if (cpu >= WFIS_RING_MAX_CPUS) {
        *err =
            who + ": none (rings exist for vCPUs below " + std::to_string(WFIS_RING_MAX_CPUS) + ")";
        return false;
    }
    const uint64_t base = WFIS_RING_GPA + uint64_t{cpu} * WFIS_RING_STRIDE;
    if (ram == nullptr || ram_size < base + WFIS_RING_STRIDE) {
        *err = who + ": guest RAM ends before it";
        return false;
    }
    wfis_ring h{};
    std::memcpy(&h, ram + base, sizeof h);
    const bool is_signed = h.magic == WFIS_RING_MAGIC_SIGNED;
    if (!is_signed && h.magic != WFIS_RING_MAGIC) {
        *err = who + ": no ring header (guest older than ABI v2?)";
        return false;
    }
    if (h.capacity != WFIS_RING_CAPACITY || h.stored > h.capacity) {
        *err = who + ": malformed header (capacity " + std::to_string(h.capacity) + ", stored " +
               std::to_string(h.stored) + ")";
        return false;
    }
    const uint8_t *samples = ram + base + WFIS_RING_HEADER_BYTES;
    out->ns.reserve(out->ns.size() + h.stored);
    for (uint64_t i = 0; i < h.stored; i++) {
        uint32_t v = 0;
        std::memcpy(&v, samples + i * 4, 4);
        int32_t sv = 0;
        std::memcpy(&sv, &v, 4);
        out->ns.push_back(is_signed ? int64_t{sv} : int64_t{v});
    }
    out->missed += h.missed;
    out->dropped += h.dropped;
    return true;
}

}  // namespace wfisvm
