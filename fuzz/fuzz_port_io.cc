// fuzz_port_io.cc - libFuzzer target: the VMM's handling of guest port I/O exits (vmm/io_ports.cc).
//
// Input: VM shape (mode, vCPUs, TSC kHz, with or without a workload device),
// then exits: in/out, a port (usually one of the ABI's, else any 16-bit
// value), size, repeat count and value, on a random vCPU. COM1 bytes carry
// arbitrary text, so the serial report parser sees random report contents.
// Checked: never crashes (ASan/UBSan); a rejected exit comes with a
// one-line, non-empty reason; an accepted "in" always answers; and at the
// end the serial report either parses or says why in one line.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_input.h"
#include "vm_context.h"
#include "wfis_guest_abi.h"

namespace {

// A vCPU that records what the VMM answered; nothing runs.
class FakeVcpu final : public wfisvm::HvVcpu {
  public:
    bool answered = false;
    bool bind_thread(std::string *) override { return true; }
    bool set_entry(const wfisvm::EntryState &, std::string *) override { return true; }
    wfisvm::VcpuExit run() override { return {}; }
    void set_io_in(uint32_t) override { answered = true; }
    bool interrupt_ready() const override { return true; }
    bool interrupts_enabled() const override { return true; }
    bool inject(uint8_t, std::string *) override { return true; }
    void request_interrupt_window(bool) override {}
    void request_exit() override {}
    void set_exit_deadline(uint64_t) override {}
    uint64_t tsc_khz() override { return 2400000; }
    bool sample_tsc(uint64_t *tsc, uint64_t *host_ns, uint64_t *window_ns) override {
        *tsc = *host_ns = *window_ns = 0;
        return true;
    }
};

constexpr uint16_t kPorts[] = {WFIS_PORT_COM1,
                               WFIS_PORT_COM1 + 5,
                               WFIS_PORT_EXIT,
                               WFIS_PORT_MAGIC,
                               WFIS_PORT_CPU_ID,
                               WFIS_PORT_TSC_KHZ,
                               WFIS_PORT_TIMER_LO,
                               WFIS_PORT_TIMER_HI,
                               WFIS_PORT_DEV_ACK,
                               WFIS_PORT_DEV_SEQ,
                               WFIS_PORT_DEV_DONE,
                               WFIS_PORT_READY,
                               0x20,
                               0x21,
                               0xa0,
                               0xa1,
                               0x80,
                               WFIS_PORT_COM1 + 7};

bool one_line(const std::string &s) {
    return !s.empty() && s.find('\n') == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wfisleep_fuzz::Input in(data, size);
    wfisvm::VmContext vm;
    vm.opts.mode = in.flag() ? wfisvm::Mode::kInkernel : wfisvm::Mode::kUserspace;
    vm.opts.seconds = 0.001;  // a started device stops at once
    vm.vcpus = 1 + in.u8() % 4;
    vm.opts.vcpus = vm.vcpus;
    vm.tsc_khz = in.u64(4);
    std::string err;
    FUZZ_CHECK(vm.serial.open("", false, &err));
    if (in.flag()) {
        vm.opts.scenario.workload =
            in.flag() ? wfisvm::Workload::kPingpong : wfisvm::Workload::kBurst;
        vm.device = std::make_unique<wfisvm::WorkloadDevice>(vm.opts.scenario, vm.vcpus, 1,
                                                             [](uint32_t) { return true; });
    }
    std::vector<FakeVcpu> hvs(vm.vcpus);
    for (uint32_t i = 0; i < vm.vcpus; ++i) {
        auto cpu = std::make_unique<wfisvm::VcpuRuntime>();
        cpu->index = i;
        cpu->hv = &hvs[i];
        vm.cpus.push_back(std::move(cpu));
    }
    while (!in.empty()) {
        wfisvm::VcpuExit x;
        const uint8_t shape = in.u8();
        x.kind = (shape & 1) ? wfisvm::ExitKind::kIoIn : wfisvm::ExitKind::kIoOut;
        x.port = (shape & 2) ? static_cast<uint16_t>(in.u64(2))
                             : kPorts[in.u8() % (sizeof kPorts / sizeof kPorts[0])];
        x.size = (shape & 4) ? in.u8() : static_cast<uint8_t>(1u << (in.u8() % 3));
        x.count = (shape & 8) ? static_cast<uint32_t>(in.u64(4)) : 1;
        x.value = (shape & 16) ? static_cast<uint32_t>(in.u64(4)) : in.u8();
        FakeVcpu &hv = hvs[in.u8() % vm.vcpus];
        wfisvm::VcpuRuntime *cpu = vm.cpus[static_cast<size_t>(&hv - hvs.data())].get();
        hv.answered = false;
        err.clear();
        const bool ok = wfisvm::handle_port_io(&vm, cpu, x, &err);
        if (!ok) {
            FUZZ_CHECK(one_line(err));
            break;  // the VMM ends the run at the first broken rule
        }
        if (x.kind == wfisvm::ExitKind::kIoIn) FUZZ_CHECK(hv.answered);
    }
    vm.stop_all();
    wfisvm::GuestReport report;
    std::string rerr;
    if (!vm.serial.finish(&report, &rerr)) FUZZ_CHECK(one_line(rerr));
    return 0;
}
