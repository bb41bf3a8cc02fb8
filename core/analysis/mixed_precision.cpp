// Mixed-precision allocation by exact multiple-choice knapsack (see mixed_precision.h).
#include "core/analysis/mixed_precision.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/common/error.h"
#include "core/eval/perplexity.h"
#include "core/model/model.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/rtn.h"

namespace slmq::core {

std::int64_t unitBitCost(int rows, int cols, int bits, const WeightQuant& q, bool overhead) {
  const std::int64_t n = std::int64_t(rows) * cols;
  std::int64_t total = n * bits;
  if (!overhead) return total;
  std::int64_t groups = 1;
  switch (q.granularity) {
    case WeightGranularity::PerTensor:
      groups = 1;
      break;
    case WeightGranularity::PerChannel:
      groups = rows;
      break;
    case WeightGranularity::PerGroup:
      groups = std::int64_t(rows) * ((cols + q.group_size - 1) / q.group_size);
      break;
  }
  return total + groups * (16 + (q.symmetric ? 0 : bits));
}

double rtnPerplexity(const Model& model, const QuantSpec& spec, const std::vector<int>& tokens,
                     int seqLen, int maxChunks, const ProgressFn& progress) {
  Model copy = model;
  applyRtn(copy.weights(), spec);
  FakeQuantHooks hooks(spec, copy.config().num_layers);
  PerplexityOptions po;
  po.seq_len = seqLen;
  po.max_chunks = maxChunks;
  po.hooks = spec.quantizesActivations() ? &hooks : nullptr;
  po.progress = progress;
  return evaluatePerplexity(copy, tokens, po).perplexity();
}

QuantSpec uniformSpec(int bits, const AllocationOptions& options) {
  QuantSpec s;
  s.weight = options.quantizer;
  s.weight.bits = bits;
  return s;
}

Allocation allocateBits(std::vector<AllocationUnit> units, const AllocationOptions& opt) {
  if (units.empty()) throw Error(ErrorKind::InvalidInput, "allocate: no units");
  if (!(opt.avg_bits > 0) || opt.bits.empty())
    throw Error(ErrorKind::InvalidInput, "allocate: the budget and the bit set must be non-empty");
  std::vector<int> bits = opt.bits;
  std::sort(bits.begin(), bits.end());
  bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
  const int K = int(bits.size());
  const std::size_t U = units.size();

  // Integer costs, reduced by their gcd together with the budget's denominator.
  std::vector<std::int64_t> cost(U * std::size_t(K));
  std::int64_t nWeights = 0, g = 0;
  for (std::size_t u = 0; u < U; ++u) {
    nWeights += units[u].weights();
    for (int k = 0; k < K; ++k) {
      if (!units[u].cost.count(bits[std::size_t(k)]))
        throw Error(ErrorKind::InvalidInput, "allocate: block " + std::to_string(units[u].block) +
                                                 " " + moduleName(units[u].module) +
                                                 " has no measured sensitivity at " +
                                                 std::to_string(bits[std::size_t(k)]) + " bits");
      const std::int64_t c = unitBitCost(units[u].rows, units[u].cols, bits[std::size_t(k)],
                                         opt.quantizer, opt.count_overhead);
      cost[u * std::size_t(K) + std::size_t(k)] = c;
      g = std::gcd(g, c);
    }
  }
  const long double budgetBits = (long double)opt.avg_bits * (long double)nWeights;
  const std::int64_t cap = std::int64_t(std::floor(budgetBits / (long double)g + 1e-9L));
  std::int64_t minCost = 0;
  for (std::size_t u = 0; u < U; ++u) {
    std::int64_t m = std::numeric_limits<std::int64_t>::max();
    for (int k = 0; k < K; ++k) m = std::min(m, cost[u * std::size_t(K) + std::size_t(k)] / g);
    minCost += m;
  }
  if (minCost > cap)
    throw Error(ErrorKind::InvalidInput,
                "allocate: a budget of " + std::to_string(opt.avg_bits) +
                    " bits per weight cannot hold every unit at its smallest width");
  if (double(U) * double(cap + 1) > 2e8)
    throw Error(ErrorKind::Resource, "allocate: the budget grid is too fine (" +
                                         std::to_string(cap) + " cells per unit)");

  // dp[c] = least summed sensitivity with exactly cost c used (inf = unreachable).
  const double inf = std::numeric_limits<double>::infinity();
  const std::size_t C = std::size_t(cap) + 1;
  std::vector<double> dp(C, inf), nd(C);
  std::vector<std::int8_t> choice(U * C, -1);
  dp[0] = 0;
  for (std::size_t u = 0; u < U; ++u) {
    std::fill(nd.begin(), nd.end(), inf);
    for (std::size_t c = 0; c < C; ++c) {
      if (dp[c] == inf) continue;
      for (int k = 0; k < K; ++k) {
        const std::size_t c2 = c + std::size_t(cost[u * std::size_t(K) + std::size_t(k)] / g);
        if (c2 >= C) continue;
        const double v = dp[c] + units[u].cost.at(bits[std::size_t(k)]);
        if (v < nd[c2]) {
          nd[c2] = v;
          choice[u * C + c2] = std::int8_t(k);
        }
      }
    }
    dp.swap(nd);
  }
  std::size_t best = 0;
  for (std::size_t c = 0; c < C; ++c)
    if (dp[c] < dp[best]) best = c;  // first minimum: the cheapest cost reaching the least sum
  Allocation a;
  a.budget_avg_bits = opt.avg_bits;
  a.predicted_cost = dp[best];
  std::size_t c = best;
  for (std::size_t u = U; u-- > 0;) {
    const int k = choice[u * C + c];
    if (k < 0) throw Error(ErrorKind::Internal, "allocate: broken DP back-track");
    units[u].chosen_bits = bits[std::size_t(k)];
    c -= std::size_t(cost[u * std::size_t(K) + std::size_t(k)] / g);
  }
  // Achieved budget, spec and histogram.
  long double used = 0, codes = 0;
  for (const auto& u : units) {
    used +=
        (long double)unitBitCost(u.rows, u.cols, u.chosen_bits, opt.quantizer, opt.count_overhead);
    codes += (long double)u.weights() * u.chosen_bits;
    ++a.histogram[u.chosen_bits];
  }
  a.avg_bits = double(used / nWeights);
  a.code_avg_bits = double(codes / nWeights);
  int common = a.histogram.begin()->first;
  for (const auto& [b, n] : a.histogram)
    if (n > a.histogram.at(common)) common = b;
  a.spec = uniformSpec(common, opt);
  for (const auto& u : units)
    if (u.chosen_bits != common) {
      WeightQuant w = opt.quantizer;
      w.bits = u.chosen_bits;
      a.spec.overrides.push_back({u.block, u.module, w, std::nullopt});
    }
  a.units = std::move(units);
  return a;
}

std::vector<AllocationUnit> allocationUnits(const Model& model, const SensitivityResult& scan,
                                            const std::vector<int>& bits) {
  if (scan.mode != SensitivityMode::OnlyThis)
    throw Error(ErrorKind::InvalidInput,
                "allocate: needs an only-this sensitivity scan (the all-but-this view does not "
                "add up unit by unit)");
  std::map<int, int> settingOfBits;
  for (std::size_t s = 0; s < scan.settings.size(); ++s) {
    const auto& st = scan.settings[s];
    if (st.weight.enabled() && !st.act.enabled()) settingOfBits[st.weight.bits] = int(s);
  }
  for (int b : bits)
    if (!settingOfBits.count(b))
      throw Error(ErrorKind::InvalidInput, "allocate: the sensitivity scan has no weight-only " +
                                               std::to_string(b) + "-bit setting");
  std::vector<AllocationUnit> out;
  for (int blk = 0; blk < model.config().num_layers; ++blk)
    for (int m = 0; m < kModuleCount; ++m) {
      AllocationUnit u;
      u.block = blk;
      u.module = Module(m);
      const Linear& lin = model.weights().linear({blk, u.module});
      u.rows = lin.out();
      u.cols = lin.in();
      for (int b : bits) {
        const double v = scan.value(blk, u.module, settingOfBits.at(b));
        if (std::isnan(v))
          throw Error(ErrorKind::InvalidInput,
                      "allocate: the scan did not measure block " + std::to_string(blk) + " " +
                          moduleName(u.module) + " at " + std::to_string(b) + " bits");
        u.cost[b] = v;
      }
      out.push_back(u);
    }
  return out;
}

std::vector<LayerMetricRecord> Allocation::toLayerMetrics(const std::string& costMetric) const {
  std::vector<LayerMetricRecord> out;
  for (const AllocationUnit& u : units) {
    out.push_back(
        {u.block, storeModuleName(u.module), u.chosen_bits, "chosen_bits", double(u.chosen_bits)});
    for (const auto& [b, v] : u.cost)
      out.push_back({u.block, storeModuleName(u.module), b, "considered_" + costMetric, v});
  }
  return out;
}

nlohmann::json Allocation::toJson() const {
  using nlohmann::json;
  json trail = json::array();
  for (const auto& u : units) {
    json c = json::object();
    for (const auto& [b, v] : u.cost) c[std::to_string(b)] = v;
    trail.push_back({{"block", u.block},
                     {"module", moduleName(u.module)},
                     {"weights", u.weights()},
                     {"chosen_bits", u.chosen_bits},
                     {"sensitivity", c}});
  }
  json hist = json::object();
  for (const auto& [b, n] : histogram) hist[std::to_string(b)] = n;
  return {{"budget_avg_bits", budget_avg_bits},
          {"avg_bits", avg_bits},
          {"code_avg_bits", code_avg_bits},
          {"predicted_cost", predicted_cost},
          {"bits_histogram", hist},
          {"spec", spec.toJson()},
          {"spec_short", spec.shortName()},
          {"trail", trail}};
}

}  // namespace slmq::core
