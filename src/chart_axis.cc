#include "src/chart_axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace wsest {

std::pair<double, const char*> AxisUnit(double max_value) {
  if (max_value >= 1099511627776.0) return {1099511627776.0, "TiB"};
  if (max_value >= 1073741824.0) return {1073741824.0, "GiB"};
  if (max_value >= 1048576.0) return {1048576.0, "MiB"};
  if (max_value >= 1024.0) return {1024.0, "KiB"};
  return {1.0, "B"};
}

double TickStep(double max_value, int ticks) {
  const double unit = AxisUnit(max_value).first;
  const double scaled = max_value / unit / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(scaled, 1e-9))));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * magnitude >= scaled) return std::max(m * magnitude * unit, 1.0);
  return 10 * magnitude * unit;
}

std::string TickLabel(double value, double max_value) {
  if (value == 0) return "0";
  const auto [unit, name] = AxisUnit(max_value);
  std::string text = fmt::format("{:.2f}", value / unit);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text + " " + name;
}

}  // namespace wsest
