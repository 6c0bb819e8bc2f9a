// label_placement.cc - first-fit label placement and a text-width estimate.
#include "label_placement.h"

namespace wfisbench {

bool intersects(const Box &a, const Box &b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

namespace {

bool inside(const Box &b, const Box &area) {
    return b.x0 >= area.x0 && b.x1 <= area.x1 && b.y0 >= area.y0 && b.y1 <= area.y1;
}

// Candidate k (0..7) at distance d: the box's near edge (or corner) is d from the point.
Box candidate(const LabelRequest &l, int k, double d) {
    const double w = l.width, h = l.height;
    const double dx[] = {d, -d - w, -w / 2, -w / 2, d, -d - w, d, -d - w};
    const double dy[] = {-h / 2, -h / 2, d, -d - h, d, d, -d - h, -d - h};
    return {l.x + dx[k], l.y + dy[k], l.x + dx[k] + w, l.y + dy[k] + h};
}

}  // namespace

std::vector<std::optional<Box>> place_labels(const std::vector<LabelRequest> &labels,
                                             const std::vector<Box> &obstacles, const Box &area,
                                             double gap, const std::vector<Box> &soft) {
    std::vector<std::optional<Box>> out;
    std::vector<Box> taken = obstacles;
    auto clear_of = [](const Box &b, const std::vector<Box> &boxes) {
        for (const auto &t : boxes)
            if (intersects(b, t)) return false;
        return true;
    };
    for (const auto &l : labels) {
        std::optional<Box> chosen;
        for (int pass = 0; pass < 2 && !chosen; pass++)
            for (int ring = 1; ring <= 3 && !chosen; ring++)
                for (int k = 0; k < 8 && !chosen; k++) {
                    Box b = candidate(l, k, gap * ring);
                    if (inside(b, area) && clear_of(b, taken) && (pass || clear_of(b, soft)))
                        chosen = b;
                }
        if (chosen) taken.push_back(*chosen);
        out.push_back(chosen);
    }
    return out;
}

double text_width_px(const std::string &text, double font_px) {
    // DejaVu Sans advances are ~0.55-0.65 em for lower case and digits,
    // ~0.84 em for '=' and capitals like M/W; 0.64 em each plus a margin
    // errs wide for the governor specs the plots label.
    return 0.64 * font_px * static_cast<double>(text.size()) + 2;
}

}  // namespace wfisbench
