// sample_ring_test.cc - the host's reader of the guest's exact sample rings: layout, the overflow
// rule (first `capacity` kept, the rest counted as dropped) and hostile headers.
#include "sample_ring.h"

#include <gtest/gtest.h>

#include <cstring>

#include "wfis_guest_abi.h"

namespace wfisvm {
namespace {

constexpr uint64_t kRam = WFIS_RING_GPA + 2ull * WFIS_RING_STRIDE;

// What the guest's ring_record does (guest/ring.h), on a host buffer.
void guest_record(std::vector<uint8_t> *ram, uint32_t cpu, uint32_t ns) {
    auto *h = reinterpret_cast<wfis_ring *>(ram->data() + WFIS_RING_GPA + cpu * WFIS_RING_STRIDE);
    if (h->stored < h->capacity) {
        std::memcpy(reinterpret_cast<uint8_t *>(h + 1) + h->stored * 4, &ns, 4);
        h->stored++;
    } else {
        h->dropped++;
    }
}

void guest_init(std::vector<uint8_t> *ram, uint32_t cpu) {
    auto *h = reinterpret_cast<wfis_ring *>(ram->data() + WFIS_RING_GPA + cpu * WFIS_RING_STRIDE);
    *h = wfis_ring{};
    h->capacity = WFIS_RING_CAPACITY;
    h->magic = WFIS_RING_MAGIC;
}

TEST(SampleRing, LayoutFitsTheStride) {
    static_assert(sizeof(wfis_ring) == WFIS_RING_HEADER_BYTES);
    EXPECT_EQ(WFIS_RING_HEADER_BYTES + WFIS_RING_CAPACITY * 4u, WFIS_RING_STRIDE);
    EXPECT_EQ(WFIS_RING_GPA + WFIS_RING_MAX_CPUS * WFIS_RING_STRIDE, 32u << 20);
}

TEST(SampleRing, KeepsTheFirstCapacitySamplesAndCountsTheRestAsDropped) {
    std::vector<uint8_t> ram(kRam);
    guest_init(&ram, 0);
    guest_init(&ram, 1);
    for (uint32_t i = 0; i < WFIS_RING_CAPACITY + 5; i++) guest_record(&ram, 0, i);
    guest_record(&ram, 1, 77);
    RingSamples s;
    std::string err;
    ASSERT_TRUE(read_sample_ring(ram.data(), ram.size(), 0, &s, &err)) << err;
    ASSERT_TRUE(read_sample_ring(ram.data(), ram.size(), 1, &s, &err)) << err;
    ASSERT_EQ(s.ns.size(), WFIS_RING_CAPACITY + 1u);
    EXPECT_EQ(s.ns.front(), 0);
    EXPECT_EQ(s.ns[WFIS_RING_CAPACITY - 1], WFIS_RING_CAPACITY - 1);  // the first ones kept
    EXPECT_EQ(s.ns.back(), 77);
    EXPECT_EQ(s.dropped, 5u);
}

// Version 3 rings hold signed samples (an early interrupt is negative);
// a version 2 ring's are unsigned, so the same bits read as a large value.
TEST(SampleRing, SignedUnderTheSignedMagicOnly) {
    std::vector<uint8_t> ram(kRam);
    guest_init(&ram, 0);
    guest_record(&ram, 0, static_cast<uint32_t>(-4200));
    guest_record(&ram, 0, 1500);
    auto *h = reinterpret_cast<wfis_ring *>(ram.data() + WFIS_RING_GPA);
    RingSamples v2, v3;
    std::string err;
    ASSERT_TRUE(read_sample_ring(ram.data(), ram.size(), 0, &v2, &err)) << err;
    EXPECT_EQ(v2.ns, (std::vector<int64_t>{4294963096, 1500}));
    h->magic = WFIS_RING_MAGIC_SIGNED;
    ASSERT_TRUE(read_sample_ring(ram.data(), ram.size(), 0, &v3, &err)) << err;
    EXPECT_EQ(v3.ns, (std::vector<int64_t>{-4200, 1500}));
}

TEST(SampleRing, RejectsMissingAndHostileHeaders) {
    std::vector<uint8_t> ram(kRam);
    RingSamples s;
    std::string err;
    EXPECT_FALSE(read_sample_ring(ram.data(), ram.size(), 0, &s, &err));
    EXPECT_NE(err.find("no ring header"), std::string::npos);
    guest_init(&ram, 0);
    auto *h = reinterpret_cast<wfis_ring *>(ram.data() + WFIS_RING_GPA);
    h->stored = WFIS_RING_CAPACITY + 1;
    EXPECT_FALSE(read_sample_ring(ram.data(), ram.size(), 0, &s, &err));
    EXPECT_NE(err.find("malformed"), std::string::npos);
    EXPECT_FALSE(read_sample_ring(ram.data(), WFIS_RING_GPA + 100, 0, &s, &err));
    EXPECT_FALSE(read_sample_ring(ram.data(), ram.size(), WFIS_RING_MAX_CPUS, &s, &err));
    EXPECT_TRUE(s.ns.empty());
}

}  // namespace
}  // namespace wfisvm
