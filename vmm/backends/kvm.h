// kvm.h - the KVM backend (x86-64 host): system, VM and vCPU objects behind hypervisor.h.
#pragma once

#include <linux/kvm.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/kvm_stats.h"
#include "hypervisor.h"

namespace wfisvm {

// Signal used to kick a vCPU out of KVM_RUN. It is blocked on every thread of
// the process while a run is active and unblocked only inside KVM_RUN (via
// KVM_SET_SIGNAL_MASK), so its handler never runs: KVM_RUN returns EINTR and
// the vCPU thread consumes the pending signal with sigtimedwait.
int kvm_kick_signal();
// Installs the (no-op) handler and blocks the kick signal on the calling
// thread; threads created afterwards inherit the block. Idempotent.
void kvm_prepare_process_signals();

// /dev/kvm. Not thread-safe; use from the thread that builds the VM.
class KvmSystem {
  public:
    ~KvmSystem();
    // Opens /dev/kvm and checks the API version. err: one line.
    bool open(std::string *err);
    int fd() const { return fd_; }
    bool has_cap(long cap) const;
    // KVM_GET_SUPPORTED_CPUID, growing the buffer while E2BIG.
    bool supported_cpuid(std::vector<kvm_cpuid_entry2> *out, std::string *err) const;
    int vcpu_mmap_size() const { return mmap_size_; }

  private:
    int fd_ = -1;
    int mmap_size_ = 0;
};

class KvmVcpu;

class KvmVm {
  public:
    ~KvmVm();
    bool create(KvmSystem *sys, std::string *err);
    // Maps host memory at guest-physical 0 (slot 0).
    bool map_memory(void *host, uint64_t size, std::string *err);
    // In-kernel irqchip mode (kvm_inkernel_x86_64.cc): must precede vCPUs.
    bool create_irqchip(std::string *err);
    bool set_halt_poll_ns(uint64_t ns, std::string *err);
    bool irqchip() const { return irqchip_; }
    // Creates vCPU `index` (APIC ID = index) with the host-supported CPUID.
    std::unique_ptr<KvmVcpu> create_vcpu(uint32_t index, std::string *err);
    // MSI sender for device interrupts (irqchip mode). Valid while the VM lives.
    std::unique_ptr<HvIrqSender> irq_sender();
    int fd() const { return fd_; }

  private:
    KvmSystem *sys_ = nullptr;
    int fd_ = -1;
    bool irqchip_ = false;
    std::vector<kvm_cpuid_entry2> cpuid_;  // host-supported, fetched once
};

class KvmVcpu final : public HvVcpu {
  public:
    KvmVcpu(int fd, kvm_run *run, size_t run_size, uint32_t index, bool irqchip);
    ~KvmVcpu() override;
    bool set_cpuid(const std::vector<kvm_cpuid_entry2> &entries, std::string *err);
    // irqchip mode: application processors start runnable, not waiting for SIPI.
    bool make_runnable(std::string *err);

    bool bind_thread(std::string *err) override;
    void unbind_thread() override { tid_.store(0, std::memory_order_release); }
    bool set_entry(const EntryState &state, std::string *err) override;
    VcpuExit run() override;
    void set_io_in(uint32_t value) override;
    bool interrupt_ready() const override;
    bool interrupts_enabled() const override;
    bool inject(uint8_t vector, std::string *err) override;
    void request_interrupt_window(bool on) override;
    void request_exit() override;
    void set_exit_deadline(uint64_t host_ns) override;
    uint64_t tsc_khz() override;
    bool sample_tsc(uint64_t *tsc, uint64_t *host_ns, uint64_t *window_ns) override;
    std::optional<uint64_t> kernel_halt_poll_ns() const override;

  private:
    int fd_;
    KvmStats stats_;  // opened in irqchip mode, where KVM halts in the kernel
    kvm_run *run_;
    size_t run_size_;
    uint32_t index_;
    bool irqchip_;
    std::atomic<int> tid_{0};
    timer_t exit_timer_{};                 // POSIX timer signalling this thread
    bool has_exit_timer_ = false;          // (a valid timer_t may be 0)
    uint64_t exit_deadline_ = UINT64_MAX;  // what exit_timer_ is armed to
};

}  // namespace wfisvm
