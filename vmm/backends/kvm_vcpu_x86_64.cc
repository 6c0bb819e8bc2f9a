// kvm_vcpu_x86_64.cc - one KVM vCPU on x86-64: entry state, run loop exits, interrupt injection,
// kick, TSC.
#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "backends/kvm.h"
#include "backends/kvm_ioctl_sizes.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {

constexpr uint32_t kMsrTsc = 0x10;

void flat_segment(kvm_segment *s, uint16_t selector, uint8_t type) {
    s->base = 0;
    s->limit = 0xffffffffu;
    s->selector = selector;
    s->type = type;
    s->present = 1;
    s->dpl = 0;
    s->db = 1;
    s->s = 1;
    s->l = 0;
    s->g = 1;
    s->avl = 0;
    s->unusable = 0;
}

std::string errno_text(const char *what) {
    return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

KvmVcpu::KvmVcpu(int fd, kvm_run *run, size_t run_size, uint32_t index, bool irqchip)
    : fd_(fd), run_(run), run_size_(run_size), index_(index), irqchip_(irqchip) {
    if (irqchip_) stats_.open(fd_);
}

std::optional<uint64_t> KvmVcpu::kernel_halt_poll_ns() const {
    // Successful and failed polls together: every ns KVM spent polling.
    return stats_.sum({"halt_poll_success_ns", "halt_poll_fail_ns"});
}

KvmVcpu::~KvmVcpu() {
    if (has_exit_timer_) timer_delete(exit_timer_);
    munmap(run_, run_size_);
    close(fd_);
}

bool KvmVcpu::set_cpuid(const std::vector<kvm_cpuid_entry2> &entries, std::string *err) {
    std::vector<uint8_t> buf(wfis_sizeof_kvm_cpuid2 + entries.size() * sizeof(kvm_cpuid_entry2));
    uint32_t nent = static_cast<uint32_t>(entries.size());
    std::memcpy(buf.data(), &nent, sizeof nent);
    std::memcpy(buf.data() + wfis_sizeof_kvm_cpuid2, entries.data(),
                entries.size() * sizeof(kvm_cpuid_entry2));
    if (ioctl(fd_, wfis_kvm_set_cpuid2, buf.data()) < 0) {
        *err = errno_text("KVM_SET_CPUID2");
        return false;
    }
    return true;
}

bool KvmVcpu::make_runnable(std::string *err) {
    kvm_mp_state mp{};
    mp.mp_state = KVM_MP_STATE_RUNNABLE;
    if (ioctl(fd_, KVM_SET_MP_STATE, &mp) < 0) {
        *err = errno_text("KVM_SET_MP_STATE");
        return false;
    }
    return true;
}

bool KvmVcpu::bind_thread(std::string *err) {
    // The kick signal stays blocked on this thread; inside KVM_RUN it is
    // unblocked so a kick makes KVM_RUN return EINTR.
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, nullptr, &cur);
    sigdelset(&cur, kvm_kick_signal());
    constexpr uint32_t kKernelSigsetBytes = 8;
    std::vector<uint8_t> buf(wfis_sizeof_kvm_signal_mask + kKernelSigsetBytes);
    std::memcpy(buf.data(), &kKernelSigsetBytes, sizeof kKernelSigsetBytes);
    std::memcpy(buf.data() + wfis_sizeof_kvm_signal_mask, &cur, kKernelSigsetBytes);
    if (ioctl(fd_, wfis_kvm_set_signal_mask, buf.data()) < 0) {
        *err = errno_text("KVM_SET_SIGNAL_MASK");
        return false;
    }
    int tid = static_cast<int>(syscall(SYS_gettid));
    // The guest timer's deadline while guest code runs: a POSIX timer that
    // sends the kick signal to this thread (SIGEV_THREAD_ID).
    sigevent sev{};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = kvm_kick_signal();
    sev._sigev_un._tid = tid;
    if (timer_create(CLOCK_MONOTONIC, &sev, &exit_timer_) < 0) {
        *err = errno_text("timer_create");
        return false;
    }
    has_exit_timer_ = true;
    tid_.store(tid, std::memory_order_release);
    return true;
}

bool KvmVcpu::set_entry(const EntryState &state, std::string *err) {
    kvm_sregs sregs{};
    if (ioctl(fd_, KVM_GET_SREGS, &sregs) < 0) {
        *err = errno_text("KVM_GET_SREGS");
        return false;
    }
    flat_segment(&sregs.cs, 0x08, 0x0b);  // execute/read, accessed
    flat_segment(&sregs.ds, 0x10, 0x03);  // read/write, accessed
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    sregs.cr0 = 0x11;  // PE | ET, paging off
    sregs.cr4 = 0;
    sregs.efer = 0;
    if (ioctl(fd_, KVM_SET_SREGS, &sregs) < 0) {
        *err = errno_text("KVM_SET_SREGS");
        return false;
    }
    kvm_regs regs{};
    regs.rip = state.eip;
    regs.rax = state.eax;
    regs.rbx = state.ebx;
    regs.rflags = 0x2;  // IF clear, as multiboot requires
    if (ioctl(fd_, KVM_SET_REGS, &regs) < 0) {
        *err = errno_text("KVM_SET_REGS");
        return false;
    }
    return true;
}

VcpuExit KvmVcpu::run() {
    VcpuExit x;
    int r = ioctl(fd_, KVM_RUN, 0);
    int e = errno;
    __atomic_store_n(&run_->immediate_exit, 0, __ATOMIC_RELAXED);
    if (r < 0) {
        if (e == EINTR || e == EAGAIN) {
            // Consume the kick signal that ended KVM_RUN (it stays blocked,
            // hence pending, outside KVM_RUN).
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, kvm_kick_signal());
            timespec zero{0, 0};
            while (sigtimedwait(&s, nullptr, &zero) > 0) {
            }
            x.kind = ExitKind::kInterrupted;
            return x;
        }
        x.detail = std::string("KVM_RUN failed: ") + std::strerror(e);
        return x;
    }
    switch (run_->exit_reason) {
        case KVM_EXIT_HLT:
            x.kind = ExitKind::kHalt;
            return x;
        case KVM_EXIT_IO: {
            x.port = run_->io.port;
            x.size = run_->io.size;
            x.count = run_->io.count;
            uint64_t off = run_->io.data_offset;
            if (x.size != 1 && x.size != 2 && x.size != 4) {
                x.detail = "KVM_EXIT_IO with size " + std::to_string(x.size);
                return x;
            }
            if (off < sizeof(kvm_run) || off + uint64_t{x.size} * x.count > run_size_) {
                x.detail = "KVM_EXIT_IO with data outside kvm_run";
                return x;
            }
            if (run_->io.direction == KVM_EXIT_IO_OUT) {
                x.kind = ExitKind::kIoOut;
                uint32_t v = 0;
                std::memcpy(&v, reinterpret_cast<uint8_t *>(run_) + off, x.size);
                x.value = v;
            } else {
                x.kind = ExitKind::kIoIn;
            }
            return x;
        }
        case KVM_EXIT_MMIO:
            x.kind = ExitKind::kMmio;
            x.gpa = run_->mmio.phys_addr;
            x.size = static_cast<uint8_t>(run_->mmio.len);
            x.write = run_->mmio.is_write != 0;
            return x;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
            x.kind = ExitKind::kIntrWindow;
            return x;
        case KVM_EXIT_INTR:
            x.kind = ExitKind::kInterrupted;
            return x;
        case KVM_EXIT_SHUTDOWN:
            x.kind = ExitKind::kShutdown;
            return x;
        case KVM_EXIT_FAIL_ENTRY:
            x.detail = "KVM_EXIT_FAIL_ENTRY, hardware reason 0x" + [&] {
                char b[24];
                std::snprintf(b, sizeof b, "%llx",
                              (unsigned long long)run_->fail_entry.hardware_entry_failure_reason);
                return std::string(b);
            }();
            return x;
        case KVM_EXIT_INTERNAL_ERROR:
            x.detail = "KVM could not run the guest (KVM_EXIT_INTERNAL_ERROR, suberror " +
                       std::to_string(run_->internal.suberror) +
                       (run_->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                            ? ": instruction emulation failed)"
                        : run_->internal.suberror == KVM_INTERNAL_ERROR_SIMUL_EX
                            ? ": exception while delivering an exception)"
                            : ")");
            return x;
        default:
            x.detail = "unexpected KVM exit reason " + std::to_string(run_->exit_reason);
            return x;
    }
}

void KvmVcpu::set_io_in(uint32_t value) {
    // run() validated data_offset and size for this exit.
    std::memcpy(reinterpret_cast<uint8_t *>(run_) + run_->io.data_offset, &value, run_->io.size);
}

bool KvmVcpu::interrupt_ready() const {
    return run_->ready_for_interrupt_injection && run_->if_flag;
}

bool KvmVcpu::interrupts_enabled() const {
    return run_->if_flag != 0;
}

bool KvmVcpu::inject(uint8_t vector, std::string *err) {
    kvm_interrupt irq{};
    irq.irq = vector;
    if (ioctl(fd_, KVM_INTERRUPT, &irq) < 0) {
        *err = errno_text("KVM_INTERRUPT");
        return false;
    }
    return true;
}

void KvmVcpu::request_interrupt_window(bool on) {
    run_->request_interrupt_window = on ? 1 : 0;
}

void KvmVcpu::request_exit() {
    // Memory ordering: release, so the pending interrupt the kicker wrote is
    // visible once KVM_RUN returns; the signal covers a vCPU already inside
    // the guest, immediate_exit one about to enter.
    __atomic_store_n(&run_->immediate_exit, 1, __ATOMIC_RELEASE);
    int tid = tid_.load(std::memory_order_acquire);
    if (tid > 0) syscall(SYS_tgkill, getpid(), tid, kvm_kick_signal());
}

void KvmVcpu::set_exit_deadline(uint64_t host_ns) {
    if (host_ns == exit_deadline_ || !has_exit_timer_) return;
    exit_deadline_ = host_ns;
    itimerspec its{};
    if (host_ns != UINT64_MAX) {
        uint64_t ns = host_ns == 0 ? 1 : host_ns;  // 0 would disarm
        its.it_value.tv_sec = static_cast<time_t>(ns / 1000000000u);
        its.it_value.tv_nsec = static_cast<long>(ns % 1000000000u);
    }
    timer_settime(exit_timer_, TIMER_ABSTIME, &its, nullptr);
}

uint64_t KvmVcpu::tsc_khz() {
    int r = ioctl(fd_, KVM_GET_TSC_KHZ, 0);
    return r > 0 ? static_cast<uint64_t>(r) : 0;
}

bool KvmVcpu::sample_tsc(uint64_t *tsc, uint64_t *host_ns, uint64_t *window_ns) {
    // Several tries; keep the narrowest host-clock bracket around the read.
    bool got = false;
    std::vector<uint8_t> buf(wfis_sizeof_kvm_msrs + sizeof(kvm_msr_entry));
    for (int i = 0; i < 7; i++) {
        std::memset(buf.data(), 0, buf.size());
        uint32_t n = 1;
        std::memcpy(buf.data(), &n, sizeof n);
        kvm_msr_entry ent{};
        ent.index = kMsrTsc;
        std::memcpy(buf.data() + wfis_sizeof_kvm_msrs, &ent, sizeof ent);
        uint64_t t0 = wfisleep_now_ns();
        int r = ioctl(fd_, wfis_kvm_get_msrs, buf.data());
        uint64_t t1 = wfisleep_now_ns();
        if (r != 1) continue;
        std::memcpy(&ent, buf.data() + wfis_sizeof_kvm_msrs, sizeof ent);
        if (!got || t1 - t0 < *window_ns) {
            *tsc = ent.data;
            *host_ns = t0 + (t1 - t0) / 2;
            *window_ns = t1 - t0;
            got = true;
        }
    }
    return got;
}

}  // namespace wfisvm
