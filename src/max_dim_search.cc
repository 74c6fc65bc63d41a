// The --max-dim search (include/wsest/plan.h FindMaxDim): phase 1 by the live peak alone, phase 2
// with the judge below the largest value whose live peak fits.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <mutex>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "src/dim_binding.h"
#include "wsest/plan.h"

namespace wsest {
namespace {

// Where a curve through the probes nearest the answer (a parabola through the bracket's two ends and
// the newest other probe, a line through two) meets `budget`, rounded down and at most `upper`;
// nullopt when it meets it below `lo` or the probes cannot say (falling).
std::optional<int64_t> GuessCrossing(const std::vector<DimProbe>& probes, uint64_t budget, int64_t lo, int64_t hi,
                                     int64_t upper) {
  std::vector<std::pair<double, double>> points;
  auto add = [&](const DimProbe& p) {
    const double x = static_cast<double>(p.value);
    if (p.overflowed || points.size() == 3) return;
    if (std::any_of(points.begin(), points.end(), [&](const auto& q) { return q.first == x; })) return;
    points.emplace_back(x, static_cast<double>(p.peak));
  };
  for (const auto& p : probes)
    if (p.value == lo || p.value == hi) add(p);
  for (auto p = probes.rbegin(); p != probes.rend(); ++p) add(*p);
  if (points.size() < 2) return std::nullopt;
  const double target = static_cast<double>(budget);
  const double low = static_cast<double>(lo), high = static_cast<double>(upper) + 1;
  auto in_range = [&](double root) -> std::optional<int64_t> {
    if (std::isnan(root) || root < low) return std::nullopt;
    if (root >= high) return upper;  // beyond the bracket: try its top
    return static_cast<int64_t>(std::floor(root));
  };
  const auto [x0, y0] = points[0];
  const auto [x1, y1] = points[1];
  const double slope01 = (y0 - y1) / (x0 - x1);
  if (points.size() == 3) {
    // Newton's form: y = y0 + slope01 (x - x0) + c (x - x0)(x - x1).
    const auto [x2, y2] = points[2];
    const double slope12 = (y1 - y2) / (x1 - x2);
    const double c = (slope01 - slope12) / (x0 - x2);
    if (c != 0 && std::isfinite(c)) {
      // c x^2 + b x + k = 0 with b, k from expanding the form above.
      const double b = slope01 - c * (x0 + x1);
      const double k = y0 - slope01 * x0 + c * x0 * x1 - target;
      const double disc = b * b - 4 * c * k;
      if (disc >= 0) {
        const double root_a = (-b + std::sqrt(disc)) / (2 * c), root_b = (-b - std::sqrt(disc)) / (2 * c);
        for (double root : {std::min(root_a, root_b), std::max(root_a, root_b)})
          if (root >= low && root < high) return in_range(root);
      }
    }
  }
  if (slope01 == 0 && y0 <= target) return upper;  // flat so far: the top of the range may fit
  if (!(slope01 > 0)) return std::nullopt;
  return in_range(x0 + (target - y0) / slope01);
}

// One value bound, estimated and planned.
struct Bound {
  int64_t value = 0;
  Model model;
  ModelEstimate estimate;
  PeakPlan plan;
};

// A probe worked out but not yet recorded: what Probe records, computed by a function that touches
// nothing of the search's, so that it can run ahead on a second thread.
struct ProbeWork {
  std::optional<Error> error;                  // binding, estimating or planning failed
  std::optional<Bound> bound;                  // when it did not
  std::optional<Result<ProbeVerdict>> answer;  // the judge's, when it was asked
};

class MaxDimSearch {
 public:
  // Substitution (Model::Substitute) replaces Rebind once it gave Rebind's views at the first
  // probe; until then, and where it cannot bind, each probe re-binds.
  enum class Substitution { kUnchecked, kTrusted, kOff };

  MaxDimSearch(const Model& model, const ModelOptions& base, const Target& target, const PlanOptions& options,
               const ProbeJudge& judge, bool speculate, bool substitute, MaxDimResult* result)
      : model_(model),
        base_(base),
        target_(target),
        options_(options),
        judge_(judge),
        dim_(result->dim),
        budget_(result->budget),
        speculate_(speculate),
        substitution_(substitute ? Substitution::kUnchecked : Substitution::kOff),
        result_(*result) {}
  // A probe still running ahead is of no more use: it stops at its next step, and is waited for.
  ~MaxDimSearch() {
    cancelled_ = true;
    if (ahead_.valid()) ahead_.wait();
  }
  MaxDimSearch(const MaxDimSearch&) = delete;
  MaxDimSearch& operator=(const MaxDimSearch&) = delete;

  // Phase 1: the largest value in [1, limit] whose live peak fits; nullopt when 1's does not.
  Result<std::optional<int64_t>> ByLivePeak(int64_t limit) {
    if (limit > 1) WorkAhead(limit, /*judged=*/false, /*keep=*/1);  // probed next unless 1 does not fit
    WSEST_ASSIGN_OR_RETURN(Verdict at_one, Probe(1, /*judged=*/false));
    if (at_one != Verdict::kFits) return std::optional<int64_t>();
    int64_t lo = 1;  // fits
    int64_t hi = 0;  // does not fit; 0 = none (the limit fits)
    if (limit > 1) {
      WSEST_ASSIGN_OR_RETURN(Verdict at_limit, Probe(limit, false));
      (at_limit == Verdict::kFits ? lo : hi) = limit;
    }
    // A model's peak is a low-degree polynomial of one dim between the thresholds where kernels
    // switch (linear in batch, quadratic in sequence for unfused attention): guesses from the
    // probes nearest the answer, each checked, ending on the value above it.
    int slow_guesses = 0;
    while (hi != 0 && hi - lo > 1) {
      auto stepped = Step(lo, hi, &slow_guesses);
      if (!stepped.ok()) return stepped.error();
    }
    result_.reached_limit = hi == 0;
    return std::optional<int64_t>(lo);
  }

  // Phase 2: the largest value in [1, upper] the judge says surely fits; `upper` is phase 1's answer.
  // nullopt when none does. The judge's verdict need not be monotonic: ORT's arena grows in
  // power-of-two regions and, under a budget, backs off to smaller ones (bfc_arena.cc
  // BFCArena::Extend), so a larger value can fit where a smaller one runs out (the demo BERT at
  // sequence 2048 in 8 GiB: batch 9 and 10 run out, 11 to 13 run, on the shadow device as in the
  // replay). So `upper`, 1 and the kTopScan values below `upper` are each judged; only below them
  // does a bisection, which assumes monotonicity, take over.
  Result<std::optional<int64_t>> ByJudge(int64_t upper) {
    constexpr int64_t kTopScan = 8;
    if (upper > 1) WorkAhead(1, /*judged=*/true, /*keep=*/upper);  // judged next unless `upper` fits
    WSEST_ASSIGN_OR_RETURN(Verdict at_upper, JudgeAt(upper));
    if (at_upper == Verdict::kFits) return std::optional<int64_t>(upper);
    if (upper == 1) return std::optional<int64_t>();
    // 1 next: unknown workspaces there (nodes without an estimate, counted 0) leave every value
    // undecided (a CNN's convolutions without a GPU record), and judging them one by one would only
    // say so again, at a replay each.
    WSEST_ASSIGN_OR_RETURN(Verdict at_one, JudgeAt(1));
    if (at_one == Verdict::kCannotTell && Newest(1).unknown_workspace_nodes > 0) return std::optional<int64_t>();
    const int64_t scan_end = std::max<int64_t>(2, upper - kTopScan);
    for (int64_t value = upper - 1; value >= scan_end; --value) {
      if (value > scan_end) WorkAhead(value - 1, /*judged=*/true, /*keep=*/value);
      WSEST_ASSIGN_OR_RETURN(Verdict v, JudgeAt(value));
      if (v == Verdict::kFits) return std::optional<int64_t>(value);
    }
    if (at_one != Verdict::kFits) return std::optional<int64_t>();
    int64_t lo = 1, hi = scan_end;
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      // Ahead: the midpoint below, which the search needs when `mid` does not fit.
      if (mid - lo > 1) WorkAhead(lo + (mid - lo) / 2, /*judged=*/true, /*keep=*/mid);
      WSEST_ASSIGN_OR_RETURN(Verdict v, JudgeAt(mid));
      (v == Verdict::kFits ? lo : hi) = mid;
    }
    return std::optional<int64_t>(lo);
  }

 private:
  // The judge's verdict at `value`: the one already found, or a new probe.
  Result<Verdict> JudgeAt(int64_t value) {
    if (const DimProbe* settled = Settled(value)) return settled->verdict;
    if (last_fit_ && last_fit_->value == value) return Record(*last_fit_, true, std::nullopt);
    return Probe(value, true);
  }

  // The newest probe at `value` whose verdict is not the live peak's alone, or null.
  const DimProbe* Settled(int64_t value) const {
    for (auto p = result_.probes.rbegin(); p != result_.probes.rend(); ++p)
      if (p->value == value && !p->live_only) return &*p;
    return nullptr;
  }

  const DimProbe& Newest(int64_t value) const {
    for (auto p = result_.probes.rbegin(); p != result_.probes.rend(); ++p)
      if (p->value == value) return *p;
    return result_.probes.back();
  }

  // One probe of phase 1 between lo (fits) and hi (does not), moving one of them: a guess where the
  // live peak meets the budget, or the middle. A guess that does not halve the bracket (one that
  // fits just below the answer moves only lo) counts as slow; after four in a row the next step
  // bisects, so the worst case stays within five times bisection's probe count.
  Result<bool> Step(int64_t& lo, int64_t& hi, int* slow_guesses) {
    std::optional<int64_t> guess;
    if (*slow_guesses < 4) guess = GuessCrossing(result_.probes, result_.budget, lo, hi, hi - 1);
    const int64_t next = guess ? std::clamp(*guess, lo + 1, hi - 1) : lo + (hi - lo) / 2;
    const int64_t width = hi - lo;
    WSEST_ASSIGN_OR_RETURN(Verdict verdict, Probe(next, false));
    const bool fits = verdict == Verdict::kFits;
    (fits ? lo : hi) = next;
    *slow_guesses = guess && (hi - lo) * 2 > width ? *slow_guesses + 1 : 0;
    return fits;
  }

  // Binds, estimates and plans `value` and, when `judged` and its live peak fits, asks the judge
  // (a live peak over the budget needs none: every buffer live at that step is held at once by
  // ORT's arena, or by cuBLAS beside it, counted on both sides, so every order runs out too).
  // Reads only what the search was given, so it may run on a second thread; stops early, with no
  // answer, once the search no longer wants it.
  ProbeWork Work(int64_t value, bool judged) const {
    ProbeWork w;
    Result<Model> bound = BindAt(value);
    if (!bound.ok()) {
      w.error = bound.error();
      return w;
    }
    if (cancelled_) return w;
    Result<ModelEstimate> estimate = EstimateModel(*bound, target_);
    if (!estimate.ok()) {
      w.error = estimate.error();
      return w;
    }
    Result<PeakPlan> plan = PlanPeak(*bound, *estimate, options_);
    if (!plan.ok()) {
      w.error = plan.error();
      return w;
    }
    w.bound = Bound{value, std::move(*bound), std::move(*estimate), std::move(*plan)};
    if (judge_ && judged && w.bound->plan.peak_bytes <= budget_ && !cancelled_)
      w.answer = judge_(w.bound->model, w.bound->estimate, w.bound->plan);
    return w;
  }

  // `value` bound: by substitution once it is trusted, else by Rebind.
  Result<Model> BindAt(int64_t value) const {
    if (substitution_ == Substitution::kTrusted) {
      if (std::optional<Model> substituted = model_.Substitute({{dim_, value}}, TakeSpare()))
        return std::move(*substituted);
    }
    return BindPoint(model_, base_, {{dim_, value}});
  }

  // Models the search is done with, for Substitute to overwrite rather than copy a model's views (a
  // copy and a free per probe were a fifth of a --max-dim run on a 10k-node transformer).
  std::optional<Model> TakeSpare() const {
    std::lock_guard<std::mutex> lock(spares_mutex_);
    if (spares_.empty()) return std::nullopt;
    Model spare = std::move(spares_.back());
    spares_.pop_back();
    return spare;
  }
  void GiveBack(std::optional<Bound> bound) const {
    if (!bound) return;
    std::lock_guard<std::mutex> lock(spares_mutex_);
    if (spares_.size() < 2) spares_.push_back(std::move(bound->model));
  }

 public:
  // Whether the probes were bound by substitution (the answer's model then needs checking).
  bool Substituted() const { return substitution_ == Substitution::kTrusted; }

 private:
  // Starts the probe of `value` on the second thread, when there is one and a judged value has
  // not been judged yet. The second thread's probe of `keep`, which the search asks for next, is
  // left for it (nothing new starts); another it went past is dropped once done; while one still
  // runs, nothing new starts.
  void WorkAhead(int64_t value, bool judged, int64_t keep) {
    // A judged value needs no work when it has a verdict, or its bound model is at hand (JudgeAt).
    if (!speculate_ || (judged && (Settled(value) || (last_fit_ && last_fit_->value == value)))) return;
    if (ahead_.valid()) {
      if (ahead_value_ == value || ahead_value_ == keep ||
          ahead_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        return;
      }
      try {
        GiveBack(ahead_.get().bound);
      } catch (...) {
        // A dropped probe's failure is not the search's: one thread would not have made it.
      }
    }
    ahead_value_ = value;
    ahead_judged_ = judged;
    ahead_ = std::async(std::launch::async, [this, value, judged] { return Work(value, judged); });
  }

  // The probe of `value`: the one worked out ahead when it is that one, else worked out now.
  ProbeWork TakeWork(int64_t value, bool judged) {
    if (ahead_.valid() && ahead_value_ == value && ahead_judged_ == judged) return ahead_.get();
    return Work(value, judged);
  }

  // Works out the probe of `value` (or takes it from the second thread) and records it. The first
  // probe Rebind made decides whether substitution is trusted: it must give the same views.
  Result<Verdict> Probe(int64_t value, bool judged) {
    ProbeWork w = TakeWork(value, judged);
    if (substitution_ == Substitution::kUnchecked && w.bound) {
      std::optional<Model> substituted = model_.Substitute({{dim_, value}});
      const bool same = substituted && SameViews(*substituted, w.bound->model);
      substitution_ = same ? Substitution::kTrusted : Substitution::kOff;
    }
    // A byte count over 64 bits at this value cannot fit any budget: a "no", not an error.
    if (!w.error && !w.bound) return Error{ErrorCode::kInternal, "a --max-dim probe was cancelled while needed"};
    if (w.error) {
      if (w.error->code != ErrorCode::kOutOfRange) return *w.error;
      DimProbe p;
      p.value = value;
      p.peak = std::numeric_limits<uint64_t>::max();
      p.overflowed = true;
      result_.probes.push_back(p);
      return Verdict::kDoesNotFit;
    }
    WSEST_ASSIGN_OR_RETURN(Verdict verdict, Record(*w.bound, judged, w.answer));
    if (verdict == Verdict::kFits) std::swap(last_fit_, w.bound);
    GiveBack(std::move(w.bound));
    return verdict;
  }

  // Records a probe; `answer` is the judge's, asked by Work when the probe is judged and fits.
  Result<Verdict> Record(const Bound& b, bool judged, std::optional<Result<ProbeVerdict>> answer) {
    DimProbe p;
    p.value = b.value;
    p.peak = b.plan.peak_bytes;
    p.unknown_workspace_nodes = b.plan.unknown_workspace_nodes;
    p.verdict = b.plan.peak_bytes <= result_.budget ? Verdict::kFits : Verdict::kDoesNotFit;
    if (judge_ && p.verdict == Verdict::kFits) {
      if (judged) {
        p.judged = true;
        if (!answer) answer = judge_(b.model, b.estimate, b.plan);
        if (!answer->ok()) {
          if (answer->error().code != ErrorCode::kOutOfRange) return answer->error();
          p.overflowed = true;
          p.verdict = Verdict::kDoesNotFit;
        } else {
          p.verdict = (*answer)->verdict;
          p.needed_bytes = (*answer)->needed_bytes;
        }
      } else {
        p.live_only = true;
      }
    }
    p.fits = p.verdict == Verdict::kFits;
    result_.probes.push_back(p);
    return p.verdict;
  }

 public:
  // The model bound at `value` if it is the newest value that fit.
  std::optional<Model> TakeModelAt(int64_t value) {
    if (!last_fit_ || last_fit_->value != value) return std::nullopt;
    return std::move(last_fit_->model);
  }

 private:
  const Model& model_;
  const ModelOptions& base_;
  const Target& target_;
  const PlanOptions& options_;
  const ProbeJudge& judge_;
  const std::string dim_;
  const uint64_t budget_;
  const bool speculate_;
  std::atomic<Substitution> substitution_;  // read by the second thread's probes
  MaxDimResult& result_;
  std::optional<Bound> last_fit_;  // the newest value that fit
  // The probe the second thread works out ahead (WorkAhead), and which it is.
  std::future<ProbeWork> ahead_;
  int64_t ahead_value_ = 0;
  bool ahead_judged_ = false;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex spares_mutex_;
  mutable std::vector<Model> spares_;
};

}  // namespace

Result<MaxDimResult> FindMaxDim(const Model& model, const ModelOptions& base, const std::string& dim, uint64_t budget,
                                const Target& target, const PlanOptions& options, int64_t limit,
                                const ProbeJudge& judge, int threads) {
  {
    auto ok = CheckSymbolicDim(model, base, dim, "--max-dim");
    if (!ok.ok()) return ok.error();
  }
  if (limit < 1) return InvalidArgument(fmt::format("--max-dim {}: the search limit must be at least 1", dim));
  // One search; with `substitute`, probes after the first are bound by substitution once it has
  // given the first probe's views (Model::Substitute), and the answer's model is re-bound to check it.
  bool substituted = false, substitution_disagreed = false;
  auto search_once = [&](bool substitute) -> Result<MaxDimResult> {
    MaxDimResult result;
    result.dim = dim;
    result.budget = budget;
    MaxDimSearch search(model, base, target, options, judge, threads > 1, substitute, &result);
    // Whether any probe was bound by substitution: an error then is checked with Rebind alone.
    auto note = [&] { substituted = search.Substituted(); };
    auto by_live = search.ByLivePeak(limit);
    note();
    WSEST_ASSIGN_OR_RETURN(std::optional<int64_t> by_live_peak, std::move(by_live));
    result.largest = by_live_peak;
    if (judge) {
      result.largest_by_live_peak = by_live_peak;
      if (by_live_peak) {
        auto by_judge = search.ByJudge(*by_live_peak);
        note();
        WSEST_ASSIGN_OR_RETURN(result.largest, std::move(by_judge));
        if (result.largest != by_live_peak) result.reached_limit = false;
      }
    }
    if (!result.largest) return result;
    result.model_at_largest = search.TakeModelAt(*result.largest);
    if (!result.model_at_largest || search.Substituted()) {
      WSEST_ASSIGN_OR_RETURN(Model at, BindPoint(model, base, {{dim, *result.largest}}));
      // The answer's probe, as substitution bound it, must be what Rebind gives there; else the
      // search is not to be trusted.
      std::optional<Model> probed = std::move(result.model_at_largest);
      if (search.Substituted() && !probed) probed = model.Substitute({{dim, *result.largest}});
      if (search.Substituted() && (!probed || !SameViews(*probed, at))) {
        substitution_disagreed = true;
        return result;
      }
      result.model_at_largest = std::move(at);
    }
    return result;
  };
  Result<MaxDimResult> searched = search_once(/*substitute=*/true);
  // Rebind alone decides where substitution disagreed at the answer, or where a search that used
  // it failed (an error substitution caused is not the model's).
  if ((searched.ok() && substitution_disagreed) || (!searched.ok() && substituted))
    searched = search_once(/*substitute=*/false);
  if (!searched.ok()) return searched.error();
  MaxDimResult result = std::move(*searched);
  // The search assumes the need never decreases as the dim grows; check every pair of probes.
  std::vector<DimProbe> sorted = result.probes;
  std::sort(sorted.begin(), sorted.end(), [](const DimProbe& a, const DimProbe& b) { return a.value < b.value; });
  for (size_t a = 0; a < sorted.size(); ++a)
    for (size_t b = a + 1; b < sorted.size(); ++b)
      if (sorted[b].peak < sorted[a].peak) {
        result.warnings.push_back(fmt::format(
            "the peak is not monotonic in {}: {}={} needs less than {}={}; the search assumes it is, so a larger "
            "value may fit", dim, dim, sorted[b].value, dim, sorted[a].value));
        a = sorted.size();
        break;
      }
  size_t unknown = 0;
  for (const auto& p : result.probes) unknown = std::max(unknown, p.unknown_workspace_nodes);
  // With a judge, a value that surely fits has no unknowns: the warning is for the live peak's answer.
  if (unknown > 0 && result.largest && !judge) {
    result.warnings.push_back(fmt::format(
        "{} node(s) have no workspace estimate and count 0: the answer may be too large", unknown));
  }
  return result;
}

}  // namespace wsest
