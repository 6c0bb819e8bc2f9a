// host_timer_json.h - the "host_timer" JSON object ({kind, permille, max_us, shape, window_us})
// both ways.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "spec.h"

namespace wfisvm {

// kind "linux" (the real host; the other four null) or "macos" (the MODEL
// of macOS coalescing, with its parameters; window_us null unless shape window).
inline nlohmann::json host_timer_json(const HostTimerSpec &h) {
    if (h.kind == HostTimerKind::kLinux)
        return {{"kind", "linux"},
                {"permille", nullptr},
                {"max_us", nullptr},
                {"shape", nullptr},
                {"window_us", nullptr}};
    return {{"kind", host_timer_name(h.kind)},
            {"permille", h.permille},
            {"max_us", h.max_us},
            {"shape", coalesce_shape_name(h.shape)},
            {"window_us", h.shape == CoalesceShape::kWindow ? nlohmann::json(h.window_us)
                                                            : nlohmann::json(nullptr)}};
}

// Reads it back; absent or malformed parts keep the defaults (linux).
inline HostTimerSpec host_timer_from_json(const nlohmann::json &t) {
    HostTimerSpec h;
    if (!t.is_object() || t.value("kind", std::string("linux")) != "macos") return h;
    h.kind = HostTimerKind::kMacos;
    if (t.contains("permille") && t.at("permille").is_number_unsigned())
        h.permille = t.at("permille").get<uint32_t>();
    if (t.contains("max_us") && t.at("max_us").is_number_unsigned())
        h.max_us = t.at("max_us").get<uint32_t>();
    const std::string shape = t.contains("shape") && t.at("shape").is_string()
                                  ? t.at("shape").get<std::string>()
                                  : std::string("max");
    if (shape == "uniform") h.shape = CoalesceShape::kUniform;
    if (shape == "window") h.shape = CoalesceShape::kWindow;
    if (t.contains("window_us") && t.at("window_us").is_number_unsigned())
        h.window_us = t.at("window_us").get<uint32_t>();
    return h;
}

}  // namespace wfisvm
