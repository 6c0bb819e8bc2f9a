// kvm_inkernel_x86_64.cc - in-kernel irqchip mode: irqchip creation, per-VM halt polling, MSI
// device interrupts.
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "backends/kvm.h"

namespace wfisvm {
namespace {

// Fixed-delivery, edge-triggered MSI to one LAPIC (physical destination).
class KvmMsiSender final : public HvIrqSender {
  public:
    explicit KvmMsiSender(int vm_fd) : vm_fd_(vm_fd) {}
    int send(uint32_t vcpu, uint8_t vector) override {
        kvm_msi msi{};
        msi.address_lo = 0xfee00000u | (vcpu << 12);
        msi.address_hi = 0;
        msi.data = vector;
        int r = ioctl(vm_fd_, KVM_SIGNAL_MSI, &msi);
        return r > 0 ? 1 : (r == 0 ? 0 : -1);
    }

  private:
    int vm_fd_;
};

}  // namespace

bool KvmVm::create_irqchip(std::string *err) {
    if (!sys_->has_cap(KVM_CAP_IRQCHIP) || !sys_->has_cap(KVM_CAP_SIGNAL_MSI)) {
        *err = "in-kernel irqchip or KVM_SIGNAL_MSI not supported by this KVM";
        return false;
    }
    // Needed by VMX for real mode emulation; harmless elsewhere.
    ioctl(fd_, KVM_SET_TSS_ADDR, 0xfffbd000ul);
    if (ioctl(fd_, KVM_CREATE_IRQCHIP, 0) < 0) {
        *err = std::string("KVM_CREATE_IRQCHIP failed: ") + std::strerror(errno);
        return false;
    }
    irqchip_ = true;
    return true;
}

bool KvmVm::set_halt_poll_ns(uint64_t ns, std::string *err) {
    if (!sys_->has_cap(KVM_CAP_HALT_POLL)) {
        *err = "KVM_CAP_HALT_POLL not supported by this KVM";
        return false;
    }
    kvm_enable_cap cap{};
    cap.cap = KVM_CAP_HALT_POLL;
    cap.args[0] = ns;
    if (ioctl(fd_, KVM_ENABLE_CAP, &cap) < 0) {
        *err = std::string("KVM_ENABLE_CAP(KVM_CAP_HALT_POLL) failed: ") + std::strerror(errno);
        return false;
    }
    return true;
}

std::unique_ptr<HvIrqSender> KvmVm::irq_sender() {
    return std::make_unique<KvmMsiSender>(fd_);
}

}  // namespace wfisvm
