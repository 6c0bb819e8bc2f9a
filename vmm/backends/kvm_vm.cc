// kvm_vm.cc - a KVM VM: creation, guest memory slot, vCPU creation with CPUID.
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "backends/kvm.h"

namespace wfisvm {

KvmVm::~KvmVm() {
    if (fd_ >= 0) close(fd_);
}

bool KvmVm::create(KvmSystem *sys, std::string *err) {
    sys_ = sys;
    fd_ = ioctl(sys->fd(), KVM_CREATE_VM, 0);
    if (fd_ < 0) {
        *err = std::string("KVM_CREATE_VM failed: ") + std::strerror(errno);
        return false;
    }
    return sys->supported_cpuid(&cpuid_, err);
}

bool KvmVm::map_memory(void *host, uint64_t size, std::string *err) {
    kvm_userspace_memory_region r{};
    r.slot = 0;
    r.guest_phys_addr = 0;
    r.memory_size = size;
    r.userspace_addr = reinterpret_cast<uint64_t>(host);
    if (ioctl(fd_, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        *err = std::string("KVM_SET_USER_MEMORY_REGION failed: ") + std::strerror(errno);
        return false;
    }
    return true;
}

std::unique_ptr<KvmVcpu> KvmVm::create_vcpu(uint32_t index, std::string *err) {
    int vfd = ioctl(fd_, KVM_CREATE_VCPU, static_cast<unsigned long>(index));
    if (vfd < 0) {
        *err = "KVM_CREATE_VCPU " + std::to_string(index) + " failed: " + std::strerror(errno);
        return nullptr;
    }
    size_t size = static_cast<size_t>(sys_->vcpu_mmap_size());
    void *run = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, 0);
    if (run == MAP_FAILED) {
        *err = std::string("mmap of kvm_run failed: ") + std::strerror(errno);
        close(vfd);
        return nullptr;
    }
    auto vcpu = std::make_unique<KvmVcpu>(vfd, static_cast<kvm_run *>(run), size, index, irqchip_);
    // This vCPU's APIC ID in CPUID (leaf 1 EBX[31:24], leaf 0xB EDX).
    std::vector<kvm_cpuid_entry2> entries = cpuid_;
    for (auto &e : entries) {
        if (e.function == 1) e.ebx = (e.ebx & 0x00ffffffu) | (index << 24);
        if (e.function == 0xb || e.function == 0x1f) e.edx = index;
    }
    if (!vcpu->set_cpuid(entries, err)) return nullptr;
    if (irqchip_ && index != 0 && !vcpu->make_runnable(err)) return nullptr;
    return vcpu;
}

}  // namespace wfisvm
