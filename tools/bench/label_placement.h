// label_placement.h - places point labels so no two overlap: a deterministic first-fit over
// offsets around each point, in screen pixels (the caller maps log axes to pixels).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wfisbench {

// An axis-aligned box in pixels, y up; x0 <= x1, y0 <= y1.
struct Box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
// True when the boxes share interior (touching edges do not count).
bool intersects(const Box &a, const Box &b);

struct LabelRequest {
    double x = 0, y = 0;           // the labelled point, pixels
    double width = 0, height = 0;  // the text's estimated box, pixels
};

// Labels in request order (put the most important first): each takes the
// first candidate box - right, left, above, below, then the four diagonals,
// at `gap` pixels from its point and then at 2 and 3 times that - that lies
// inside `area` and meets neither an already placed label nor an obstacle
// (e.g. the other points' markers). Candidates that also miss every `soft`
// box (e.g. whisker lines) are preferred; a label crosses a soft box only
// when nothing else fits. nullopt: no candidate fits; the caller leaves that
// label out (the legend still names the point).
std::vector<std::optional<Box>> place_labels(const std::vector<LabelRequest> &labels,
                                             const std::vector<Box> &obstacles, const Box &area,
                                             double gap, const std::vector<Box> &soft = {});

// Pixel width of `text` in a proportional sans font of `font_px` pixels:
// a per-character estimate that errs wide (placement must not under-estimate).
double text_width_px(const std::string &text, double font_px);

}  // namespace wfisbench
