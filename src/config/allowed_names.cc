// allowed_names.cc - a fixed table of embedder-owned names behind a mutex.
#include "config/allowed_names.h"

#include <cstring>
#include <mutex>

namespace wfisleep {
namespace {

struct Table {
    std::mutex mutex;
    size_t count = 0;
    char names[kMaxAllowedNames][kMaxAllowedNameLen + 1] = {};
};

Table &table() noexcept {
    static Table t;  // constructed on first use, never destroyed before exit
    return t;
}

bool find_locked(const Table &t, const char *name, size_t len) noexcept {
    for (size_t i = 0; i < t.count; ++i) {
        if (strlen(t.names[i]) == len && memcmp(t.names[i], name, len) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

int allow_name(const char *name, bool (*is_library_name)(const char *name, size_t len)) noexcept {
    if (name == nullptr) {
        return -1;
    }
    const size_t len = strlen(name);
    if (len == 0 || len > kMaxAllowedNameLen || strchr(name, '=') != nullptr ||
        is_library_name(name, len)) {
        return -1;
    }
    Table &t = table();
    const std::lock_guard<std::mutex> lock(t.mutex);
    if (find_locked(t, name, len)) {
        return 0;
    }
    if (t.count == kMaxAllowedNames) {
        return -1;
    }
    memcpy(t.names[t.count], name, len + 1);
    ++t.count;
    return 0;
}

bool name_allowed(const char *name, size_t len) noexcept {
    Table &t = table();
    const std::lock_guard<std::mutex> lock(t.mutex);
    return find_locked(t, name, len);
}

}  // namespace wfisleep
