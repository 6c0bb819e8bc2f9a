// kvm_system.cc - /dev/kvm: open, API version, capabilities, supported CPUID, and the kick signal
// set-up.
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "backends/kvm.h"
#include "backends/kvm_ioctl_sizes.h"

namespace wfisvm {

int kvm_kick_signal() {
    return SIGUSR1;
}

namespace {
void kick_handler(int) {}  // never runs in practice; see kvm.h
}  // namespace

void kvm_prepare_process_signals() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = kick_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(kvm_kick_signal(), &sa, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, kvm_kick_signal());
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

KvmSystem::~KvmSystem() {
    if (fd_ >= 0) close(fd_);
}

bool KvmSystem::open(std::string *err) {
    fd_ = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd_ < 0) {
        *err = std::string("cannot open /dev/kvm: ") + std::strerror(errno);
        return false;
    }
    int v = ioctl(fd_, KVM_GET_API_VERSION, 0);
    if (v != KVM_API_VERSION) {
        *err = "/dev/kvm: API version " + std::to_string(v) + ", need " +
               std::to_string(KVM_API_VERSION);
        return false;
    }
    mmap_size_ = ioctl(fd_, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (mmap_size_ < static_cast<int>(sizeof(kvm_run))) {
        *err = "/dev/kvm: KVM_GET_VCPU_MMAP_SIZE failed";
        return false;
    }
    return true;
}

bool KvmSystem::has_cap(long cap) const {
    return ioctl(fd_, KVM_CHECK_EXTENSION, cap) > 0;
}

bool KvmSystem::supported_cpuid(std::vector<kvm_cpuid_entry2> *out, std::string *err) const {
    for (uint32_t n = 32; n <= 4096; n *= 2) {
        // C layout: u32 nent, u32 padding, then the entries.
        std::vector<uint8_t> buf(wfis_sizeof_kvm_cpuid2 + n * sizeof(kvm_cpuid_entry2));
        uint32_t nent = n;
        std::memcpy(buf.data(), &nent, sizeof nent);
        if (ioctl(fd_, wfis_kvm_get_supported_cpuid, buf.data()) == 0) {
            std::memcpy(&nent, buf.data(), sizeof nent);
            out->resize(nent);
            std::memcpy(out->data(), buf.data() + wfis_sizeof_kvm_cpuid2,
                        nent * sizeof(kvm_cpuid_entry2));
            return true;
        }
        if (errno != E2BIG) break;
    }
    *err = std::string("KVM_GET_SUPPORTED_CPUID failed: ") + std::strerror(errno);
    return false;
}

}  // namespace wfisvm
