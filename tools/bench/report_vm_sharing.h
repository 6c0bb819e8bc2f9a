// report_vm_sharing.h - how a bench document's runs got their VMs, in the words the reports print.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfisbench {

// One clause for a document's runs: "each a fresh VM" when no run shared
// one; otherwise how many ran A/B in one VM (segment and settle lengths
// from the runs' in_vm_ab) and that the rest had fresh VMs. Never throws
// on a malformed document (missing fields count as fresh VMs).
std::string vm_sharing_clause(const nlohmann::json &doc);

}  // namespace wfisbench
