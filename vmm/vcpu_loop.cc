// vcpu_loop.cc - one vCPU thread: run the guest, fire its timer, deliver interrupts, hand idle
// traps to the governor.
#include <cstdio>

#include "hex_text.h"
#include "host_usage.h"
#include "thread_slack.h"
#include "vm_context.h"
#include "wfis_guest_abi.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {

// Userspace mode, before entering the guest: fire a due timer, inject the
// highest pending vector if the guest can take it, else ask for the window.
bool deliver(const VmContext *vm, VcpuRuntime *cpu, std::string *err) {
    if (cpu->timer.fire_if_due(wfisleep_now_ns())) cpu->irq.raise_local(WFIS_VEC_TIMER);
    if (cpu->frozen.load(std::memory_order_relaxed) || !cpu->irq.pending()) {
        cpu->hv->request_interrupt_window(false);
        return true;
    }
    uint8_t vector = 0;
    // One injection per run(): the exit state (interrupt_ready) is stale
    // until the vCPU ran again, and a second KVM_INTERRUPT would replace the
    // queued one.
    if (!cpu->injected_since_run && cpu->hv->interrupt_ready() && cpu->irq.take(&vector)) {
        if (!cpu->hv->inject(vector, err)) return false;
        cpu->injected_since_run = true;
        if (vector == WFIS_VEC_TIMER) {
            cpu->injected_timer++;
            if (vm->ab && cpu->ab_governor) {
                const int g = vm->ab->counted_governor();
                if (g >= 0 && static_cast<size_t>(g) == cpu->ab_governor->active())
                    cpu->ab.timer_injected[static_cast<size_t>(g)]++;
            }
        }
        if (vector == WFIS_VEC_DEVICE) cpu->injected_device++;
    }
    cpu->hv->request_interrupt_window(cpu->irq.pending());
    return true;
}

// Userspace mode HLT: wait in the governor until the timer is due or a kick.
void idle(VmContext *vm, VcpuRuntime *cpu) {
    cpu->halts++;
    // A/B: the switch to this segment's governor comes before its
    // trap_begin and the has_work sample, so no pending interrupt is missed.
    if (vm->ab && cpu->ab_governor) vm->ab->before_trap(&cpu->ab, cpu->ab_governor);
    // Before has_work is sampled: a governor that drops stale kicks drops
    // them now, and a kick raised after this is kept for its wait.
    cpu->governor->trap_begin();
    if (!cpu->hv->interrupts_enabled()) {
        vm->park();  // cli; hlt: nothing can wake it
        return;
    }
    cpu->hv->set_exit_deadline(WFISLEEP_NO_DEADLINE);  // the governor owns the deadline now
    uint64_t deadline = cpu->timer.deadline_ns();
    bool has_work =
        !cpu->frozen.load(std::memory_order_relaxed) &&
        (cpu->irq.pending() || (deadline != WFISLEEP_NO_DEADLINE && wfisleep_now_ns() >= deadline));
    if (cpu->frozen.load(std::memory_order_relaxed)) deadline = WFISLEEP_NO_DEADLINE;
    // A/B: a wait counts for a governor when its counted part ran at both
    // ends of the wait and it was the one waiting.
    const int counted0 = vm->ab ? vm->ab->counted_governor() : -1;
    cpu->governor->idle(has_work, deadline);
    const uint64_t returned = wfisleep_now_ns();
    // Inside the workload window only (edge 1 taken, edge 2 not), like the
    // guest's lateness samples: boot and report waits do not count.
    if (!has_work && deadline != WFISLEEP_NO_DEADLINE && cpu->window_taken == 1 &&
        vm->governor_lateness)
        vm->governor_lateness->record(deadline, returned);
    if (counted0 >= 0 && cpu->ab_governor && vm->ab->counted_governor() == counted0 &&
        static_cast<size_t>(counted0) == cpu->ab_governor->active()) {
        const auto g = static_cast<size_t>(counted0);
        cpu->ab.halts[g]++;
        if (!has_work && deadline != WFISLEEP_NO_DEADLINE)
            vm->ab->lateness(g).record(deadline, returned);
    }
}

void measure_tsc_map_error(VcpuRuntime *cpu) {
    uint64_t tsc = 0, ns = 0, window = 0;
    if (!cpu->hv->sample_tsc(&tsc, &ns, &window)) return;
    uint64_t predicted = cpu->timer.map().host_ns(tsc);
    cpu->tsc_map_error_ns = static_cast<double>(predicted > ns ? predicted - ns : ns - predicted);
}

}  // namespace

void vcpu_thread_main(VmContext *vm, VcpuRuntime *cpu) {
    std::string err;
    const bool userspace = vm->opts.mode == Mode::kUserspace;
    if (!cpu->hv->bind_thread(&err)) {
        vm->fail("vCPU " + std::to_string(cpu->index) + ": " + err);
        vm->thread_done();
        return;
    }
    TscMap map;
    uint64_t window = 0;
    map.khz = vm->tsc_khz;
    if (!cpu->hv->sample_tsc(&map.tsc0, &map.ns0, &window)) {
        vm->fail("vCPU " + std::to_string(cpu->index) +
                 ": cannot read the guest TSC (KVM_GET_MSRS)");
        cpu->hv->unbind_thread();
        vm->thread_done();
        return;
    }
    cpu->timer.set_map(map);
    // Every governor waits with the same timer precision (its slack_ns,
    // default 1 ns), set here before the first idle, not by the library.
    if (userspace) set_thread_timer_slack(governor_slack_ns(vm->opts.governor, vm->opts.scenario));
    if (cpu->ab_governor) cpu->ab.slack_ns[cpu->ab_governor->active()] = thread_timer_slack();
    HostUsage start = thread_usage();

    while (!vm->stop.load(std::memory_order_acquire)) {
        uint64_t gen = cpu->irq.generation();
        if (userspace) {
            if (!deliver(vm, cpu, &err)) {
                vm->fail("vCPU " + std::to_string(cpu->index) + ": " + err);
                break;
            }
            cpu->hv->set_exit_deadline(cpu->timer.deadline_ns());
        }
        if (!cpu->irq.enter_run(gen)) continue;
        VcpuExit x = cpu->hv->run();
        cpu->irq.leave_run();
        vm->take_window_edges(cpu);  // before this exit can reach the governor
        if (vm->ab && cpu->ab_governor) vm->ab->take_edges(&cpu->ab, *cpu->ab_governor);
        cpu->injected_since_run = false;
        cpu->exits++;
        switch (x.kind) {
            case ExitKind::kHalt:
                if (!userspace) {
                    vm->fail("unexpected HLT exit in in-kernel mode on vCPU " +
                             std::to_string(cpu->index));
                    break;
                }
                idle(vm, cpu);
                break;
            case ExitKind::kIoIn:
            case ExitKind::kIoOut:
                if (!handle_port_io(vm, cpu, x, &err)) vm->fail(err);
                break;
            case ExitKind::kMmio:
                vm->fail("guest " + std::string(x.write ? "wrote" : "read") + " " +
                         std::to_string(x.size) + " bytes at guest-physical " + hex_text(x.gpa) +
                         ", which is not RAM (MMIO exit) on vCPU " + std::to_string(cpu->index));
                break;
            case ExitKind::kIntrWindow:
            case ExitKind::kInterrupted:
                break;
            case ExitKind::kShutdown:
                vm->fail("guest triple-faulted (KVM_EXIT_SHUTDOWN) on vCPU " +
                         std::to_string(cpu->index));
                break;
            case ExitKind::kFail:
                vm->fail("vCPU " + std::to_string(cpu->index) + ": " + x.detail);
                break;
        }
    }
    cpu->hv->set_exit_deadline(WFISLEEP_NO_DEADLINE);
    vm->take_window_edges(cpu);
    HostUsage end = thread_usage();
    cpu->usage.cpu_ns = end.cpu_ns - start.cpu_ns;
    cpu->usage.voluntary_switches = end.voluntary_switches - start.voluntary_switches;
    measure_tsc_map_error(cpu);
    cpu->timer_slack_ns = thread_timer_slack();  // after every idle: what the waits had
    cpu->hv->unbind_thread();
    vm->thread_done();
}

}  // namespace wfisvm
