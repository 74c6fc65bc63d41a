// The y axis of the memory charts (the SVG timeline, the HTML report): binary units and round ticks.
#pragma once

#include <string>
#include <utility>

namespace wsest {

// The binary unit an axis up to `max_value` bytes is labelled in: the largest one not above it.
std::pair<double, const char*> AxisUnit(double max_value);
// A round tick step in that unit (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` ticks.
double TickStep(double max_value, int ticks);
// "1.5 GiB", "0": a tick's value in the axis unit, without trailing zeros.
std::string TickLabel(double value, double max_value);

}  // namespace wsest
