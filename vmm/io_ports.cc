// io_ports.cc - the guest's port I/O: COM1, exit, ABI ports (abi/wfis_guest_abi.h), PIC masking;
// anything else is an error.
#include <cstdio>

#include "hex_text.h"
#include "vm_context.h"
#include "wfis_guest_abi.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {

constexpr uint64_t kStormArms = 10000;  // too-close deadlines armed in a row

std::string describe(const VcpuRuntime *cpu, const VcpuExit &x) {
    return "port " + hex_text(x.port) + " (" + (x.kind == ExitKind::kIoIn ? "in" : "out") + ", " +
           std::to_string(x.size) + " bytes) on vCPU " + std::to_string(cpu->index);
}

bool handle_in(VmContext *vm, VcpuRuntime *cpu, const VcpuExit &x, std::string *err) {
    uint32_t v = 0;
    switch (x.port) {
        case WFIS_PORT_MAGIC:
            v = WFIS_MAGIC;
            break;
        case WFIS_PORT_CPU_ID:
            v = cpu->index;
            break;
        case WFIS_PORT_TSC_KHZ:
            v = static_cast<uint32_t>(vm->tsc_khz);
            break;
        case WFIS_PORT_DEV_SEQ:
            v = vm->device ? vm->device->newest_seq(cpu->index) : 0;
            break;
        case 0x21:
        case 0xa1:
            v = 0xff;
            break;  // PIC masks: everything masked (there is no PIC)
        default:
            if (x.port >= WFIS_PORT_COM1 && x.port < WFIS_PORT_COM1 + 8) {
                v = vm->serial.in(static_cast<uint16_t>(x.port - WFIS_PORT_COM1));
                break;
            }
            *err = "guest read unknown I/O " + describe(cpu, x);
            return false;
    }
    cpu->hv->set_io_in(v);
    return true;
}

bool handle_out(VmContext *vm, VcpuRuntime *cpu, const VcpuExit &x, std::string *err) {
    const bool userspace = vm->opts.mode == Mode::kUserspace;
    switch (x.port) {
        case WFIS_PORT_EXIT:
            if (x.value == WFIS_EXIT_OK) {
                vm->guest_exited_ok();
                return true;
            }
            *err = "guest exited with status " + hex_text(x.value) + " on vCPU " +
                   std::to_string(cpu->index) +
                   (x.value == WFIS_EXIT_FAIL ? " (WFIS_EXIT_FAIL)" : " (expected 0x10)");
            return false;
        case WFIS_PORT_TIMER_LO:
        case WFIS_PORT_TIMER_HI:
            if (!userspace || x.size != 4) break;
            if (x.port == WFIS_PORT_TIMER_LO) {
                cpu->timer.write_lo(x.value);
            } else if (cpu->timer.write_hi(x.value, wfisleep_now_ns()) >= kStormArms) {
                *err = "interrupt storm: guest armed " + std::to_string(kStormArms) +
                       " timer deadlines in a row each less than 5 us ahead (below any legal "
                       "tick period) on vCPU " +
                       std::to_string(cpu->index);
                return false;
            }
            return true;
        case WFIS_PORT_DEV_ACK:
        case WFIS_PORT_DEV_DONE:
            if (x.size != 4) break;
            if (!vm->device) {
                *err = "guest answered a device request on vCPU " + std::to_string(cpu->index) +
                       " but this scenario raises none";
                return false;
            }
            return vm->device->answer(cpu->index, x.value, err);
        case WFIS_PORT_READY:
            vm->vcpu_ready(cpu->index);
            return true;
        case 0x20:
        case 0x21:
        case 0xa0:
        case 0xa1:
        case 0x80:
            return true;  // PIC programming / POST delay: no PIC here, ignored
        default:
            if (x.port >= WFIS_PORT_COM1 && x.port < WFIS_PORT_COM1 + 8) {
                int cpu_line = -1;
                ReportEvent event = ReportEvent::kNone;
                if (!vm->serial.out(static_cast<uint16_t>(x.port - WFIS_PORT_COM1),
                                    static_cast<uint8_t>(x.value), &cpu_line, err, &event))
                    return false;
                if (event == ReportEvent::kMarkStart) vm->mark_window(1);
                if (event == ReportEvent::kMarkEnd) vm->mark_window(2);
                if (cpu_line >= 0 && static_cast<uint32_t>(cpu_line) < vm->vcpus) {
                    vm->cpus[static_cast<size_t>(cpu_line)]->frozen.store(true);
                    if (vm->device) vm->device->freeze(static_cast<uint32_t>(cpu_line));
                }
                return true;
            }
            break;
    }
    *err = "guest wrote " + hex_text(x.value) + " to unknown I/O " + describe(cpu, x);
    return false;
}

}  // namespace

bool handle_port_io(VmContext *vm, VcpuRuntime *cpu, const VcpuExit &x, std::string *err) {
    if (x.count != 1) {
        *err = "guest used string I/O (rep ins/outs) on " + describe(cpu, x) + ", not supported";
        return false;
    }
    return x.kind == ExitKind::kIoIn ? handle_in(vm, cpu, x, err) : handle_out(vm, cpu, x, err);
}

}  // namespace wfisvm
