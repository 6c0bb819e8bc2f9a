// report_json.h - reading a bench JSON document's fields as the report writers print them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report_table.h"

namespace wfisbench {

// j[key] as text: strings as they are, other values as JSON, `fallback`
// when absent or null.
inline std::string json_text(const nlohmann::json &j, const char *key, const char *fallback = "?") {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// A number as the tables print it, "-" when it is not one.
inline std::string json_num(const nlohmann::json &v) {
    return v.is_number() ? fmt_num(v.get<double>()) : "-";
}

}  // namespace wfisbench
