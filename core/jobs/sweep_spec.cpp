// Sweep files: parsing (JSON, or YAML via yaml_json.h), grid expansion and shard parsing (see
// sweep.h). Needs only the spec code (experiment_spec, quant_spec, yaml_json), not the runner, so
// the sweep fuzz targets link little.
#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/jobs/experiment_spec.h"
#include "core/jobs/sweep.h"
#include "core/jobs/yaml_json.h"
#include "core/quant/quant_spec.h"

namespace slmq::core {

namespace {

using nlohmann::json;

constexpr int kMaxSweepDepth = 64;         // JSON nesting, as ExperimentSpec::parse
constexpr double kMaxSweepPoints = 10000;  // grid size before de-duplication

[[noreturn]] void bad(std::string_view source, const std::string& what) {
  throw Error(ErrorKind::InvalidInput,
              (source.empty() ? std::string("sweep") : std::string(source)) + ": " + what);
}

json methodsJson(const json& m, std::string_view source, std::size_t i) {
  if (m.is_array()) return m;
  if (!m.is_string())
    bad(source, "sweep.methods[" + std::to_string(i) + "]: expected a string or an array");
  const std::string s = m.get<std::string>();
  json steps = json::array();
  if (s == "fp" || s.empty()) return steps;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::string name =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) bad(source, "sweep.methods[" + std::to_string(i) + "]: empty method name");
    steps.push_back({{"name", name}});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return steps;
}

json settingJson(const json& s, std::string_view source, std::size_t i) {
  if (s.is_object()) return s;
  if (!s.is_string())
    bad(source, "sweep.settings[" + std::to_string(i) + "]: expected a short name or an object");
  try {
    return QuantSpec::parse(s.get<std::string>()).toJson();
  } catch (const Error& e) {
    bad(source, "sweep.settings[" + std::to_string(i) + "]: " + e.what());
  }
}

}  // namespace

std::vector<ExperimentSpec> expandSweep(std::string_view text, std::string_view source) {
  if (text.size() > (16u << 20)) bad(source, "sweep file larger than 16 MiB");
  json j;
  if (isYamlPath(source)) {
    j = yamlToJson(text, source);  // same document model: the checks below apply unchanged
  } else {
    try {
      j = json::parse(text, [&](int depth, json::parse_event_t, json&) {
        if (depth > kMaxSweepDepth)
          bad(source, "JSON nested deeper than " + std::to_string(kMaxSweepDepth) + " levels");
        return true;
      });
    } catch (const json::exception& e) {
      bad(source, std::string("not valid JSON: ") + e.what());
    }
  }
  if (!j.is_object()) bad(source, "expected an object (a JSON object or YAML mapping)");
  for (const auto& [k, v] : j.items())
    if (k != "version" && k != "base" && k != "models" && k != "methods" && k != "settings" &&
        k != "evaluations" && k != "name")
      bad(source, "sweep." + k +
                      ": unknown key (known: version, name, base, models, methods, "
                      "settings, evaluations)");
  if (j.contains("version") && j["version"] != 1)
    bad(source, "sweep.version: this slmq reads version 1");
  const json base = j.value("base", json::object());
  if (!base.is_object()) bad(source, "sweep.base: expected an object");
  auto list = [&](const char* key, bool required) {
    if (!j.contains(key)) {
      if (required) bad(source, std::string("sweep.") + key + ": missing (a non-empty array)");
      return json::array();
    }
    if (!j[key].is_array() || j[key].empty())
      bad(source, std::string("sweep.") + key + ": expected a non-empty array");
    return j[key];
  };
  const json models = list("models", true);
  const json methods = list("methods", true);
  const json settings = list("settings", false);
  json evals = list("evaluations", false);
  if (evals.empty()) evals.push_back(base.value("evaluations", json::object()));
  // Bounded before expanding: a few KiB of names can describe millions of points.
  const double grid = double(models.size()) * double(evals.size()) * double(methods.size()) *
                      double(std::max<std::size_t>(settings.size(), 1));
  if (grid > kMaxSweepPoints)
    bad(source, "the grid models x evaluations x methods x settings has " +
                    std::to_string(static_cast<long long>(grid)) + " points; the limit is " +
                    std::to_string(static_cast<long long>(kMaxSweepPoints)) +
                    " (split the sweep into several files)");

  std::vector<ExperimentSpec> fpPoints, qPoints;
  auto add = [](std::vector<ExperimentSpec>& v, ExperimentSpec s) {
    for (const auto& e : v)
      if (e == s) return;
    v.push_back(std::move(s));
  };
  for (std::size_t mi = 0; mi < models.size(); ++mi) {
    if (!models[mi].is_string())
      bad(source, "sweep.models[" + std::to_string(mi) + "]: expected a string");
    for (std::size_t ei = 0; ei < evals.size(); ++ei) {
      for (std::size_t k = 0; k < methods.size(); ++k) {
        const json steps = methodsJson(methods[k], source, k);
        const std::size_t ns = steps.empty() ? 1 : settings.size();
        if (!steps.empty() && settings.empty())
          bad(source, "sweep.settings: required when a method other than fp is listed");
        for (std::size_t si = 0; si < ns; ++si) {
          json p = base;
          p["model"] = models[mi];
          p["evaluations"] = evals[ei];
          p["methods"] = steps;
          if (!steps.empty()) p["quant"] = settingJson(settings[si], source, si);
          const std::string where = std::string(source.empty() ? "sweep" : source) + " point " +
                                    "model " + std::to_string(mi) + ", evaluations " +
                                    std::to_string(ei) + ", methods " + std::to_string(k) +
                                    (steps.empty() ? "" : ", settings " + std::to_string(si));
          ExperimentSpec s = ExperimentSpec::fromJson(p, where);
          if (steps.empty())
            add(fpPoints, fpParentSpec(s));
          else
            add(qPoints, std::move(s));
        }
      }
    }
  }
  for (auto& q : qPoints) add(fpPoints, std::move(q));
  return fpPoints;
}

Shard Shard::parse(const std::string& text) {
  const auto slash = text.find('/');
  Shard s;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t a = 0, b = 0;
    s.index = std::stoi(text.substr(0, slash), &a);
    s.count = std::stoi(text.substr(slash + 1), &b);
    if (a != slash || b != text.size() - slash - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw Error(ErrorKind::InvalidInput, "--shard: expected i/n (e.g. 0/4), got \"" + text + "\"");
  }
  if (s.count < 1 || s.index < 0 || s.index >= s.count)
    throw Error(ErrorKind::InvalidInput,
                "--shard " + text + ": need 0 <= i < n (shards are numbered from 0)");
  return s;
}

}  // namespace slmq::core
