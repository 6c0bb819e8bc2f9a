// hypervisor.h - the backend interface the vCPU loop and devices use; no KVM types (an HVF backend
// fits later).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace wfisvm {

enum class ExitKind {
    kHalt,         // guest executed HLT (userspace mode only)
    kIoIn,         // port read: answer with set_io_in()
    kIoOut,        // port write: value in VcpuExit::value
    kMmio,         // access to guest-physical memory that is not RAM
    kIntrWindow,   // the interrupt window we asked for opened
    kInterrupted,  // run() returned because of request_exit() or a signal
    kShutdown,     // triple fault / shutdown
    kFail,         // the hypervisor could not run the vCPU; detail says why
};

struct VcpuExit {
    ExitKind kind = ExitKind::kFail;
    uint16_t port = 0;   // io
    uint8_t size = 0;    // io / mmio access size in bytes
    uint32_t count = 1;  // io: repetitions (string I/O)
    uint32_t value = 0;  // io out: the value written
    uint64_t gpa = 0;    // mmio
    bool write = false;  // mmio
    std::string detail;  // fail
};

// Initial register state of a vCPU: 32-bit protected mode, flat segments.
struct EntryState {
    uint32_t eip = 0;
    uint32_t eax = 0;
    uint32_t ebx = 0;
};

// One vCPU. Everything except request_exit() only on the vCPU's own thread
// (the thread that called bind_thread()).
class HvVcpu {
  public:
    virtual ~HvVcpu() = default;
    // Must be the first call on the vCPU thread: sets up what request_exit()
    // needs (thread id, signal mask used only inside run()).
    virtual bool bind_thread(std::string *err) = 0;
    // Last call on the vCPU thread before it ends: request_exit() stops
    // signalling it (its thread id may be reused).
    virtual void unbind_thread() {}
    virtual bool set_entry(const EntryState &state, std::string *err) = 0;
    // Runs guest code until the next exit.
    virtual VcpuExit run() = 0;
    // Answer of the last kIoIn exit (low `size` bytes used).
    virtual void set_io_in(uint32_t value) = 0;
    // After an exit: may an external interrupt be injected now (interrupt
    // window open and IF set)?
    virtual bool interrupt_ready() const = 0;
    // After an exit: the guest's IF flag.
    virtual bool interrupts_enabled() const = 0;
    // Injects an external interrupt; only when interrupt_ready().
    virtual bool inject(uint8_t vector, std::string *err) = 0;
    // Ask for a kIntrWindow exit as soon as the guest can take an interrupt.
    virtual void request_interrupt_window(bool on) = 0;
    // Any thread: make the current or next run() return kInterrupted soon.
    // Async-signal-safe, never blocks.
    virtual void request_exit() = 0;
    // vCPU thread: make run() return kInterrupted once the host clock
    // (wfisleep_now_ns) reaches host_ns while the guest runs; UINT64_MAX
    // disarms. Used for the guest timer while guest code runs (a vCPU in
    // the governor is woken by the governor's own deadline instead).
    virtual void set_exit_deadline(uint64_t host_ns) = 0;
    // Guest TSC frequency in kHz (0 if unknown).
    virtual uint64_t tsc_khz() = 0;
    // Reads the guest TSC (vCPU stopped) and the host clock around it:
    // *host_ns = midpoint, *window_ns = width of the bracket.
    virtual bool sample_tsc(uint64_t *tsc, uint64_t *host_ns, uint64_t *window_ns) = 0;
    // The kernel's cumulative halt-polling time of this vCPU in ns (in-kernel
    // halting only; nullopt where the kernel does not publish it). Any thread.
    virtual std::optional<uint64_t> kernel_halt_poll_ns() const { return std::nullopt; }
};

// Sends an interrupt from a device thread in in-kernel irqchip mode.
class HvIrqSender {
  public:
    virtual ~HvIrqSender() = default;
    // Returns 1 delivered, 0 coalesced/blocked, -1 error. Any thread.
    virtual int send(uint32_t vcpu, uint8_t vector) = 0;
};

}  // namespace wfisvm
