// `slmq list|show|compare|export|scores` over the runs of a store: tables on stdout, or one JSON
// object with --json, or CSV with --csv. Reading and formatting only; scores come from
// core/jobs/run_scores.h.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "core/common/error.h"
#include "core/jobs/runner.h"
#include "core/store/store.h"

namespace {

using nlohmann::json;
using namespace slmq::core;
using slmq::cli::GlobalOptions;

Store openRead(const std::string& path) {
  StoreOptions o;
  o.read_only = true;
  return Store::open(path, o);
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

json runJson(const RunRecord& r) {
  json j = {{"id", r.id},
            {"name", r.name},
            {"method", r.method},
            {"w_bits", r.w_bits},
            {"a_bits", r.a_bits},
            {"status", runStatusName(r.status)},
            {"created_at", r.created_at},
            {"finished_at", r.finished_at},
            {"error", r.error}};
  j["parent_run_id"] = r.parent_run_id ? json(*r.parent_run_id) : json(nullptr);
  j["wall_seconds"] = r.wall_seconds ? json(*r.wall_seconds) : json(nullptr);
  return j;
}

json metricsJson(const std::vector<MetricRecord>& ms) {
  json a = json::array();
  for (const auto& m : ms) {
    json x = {{"name", m.name}, {"dataset", m.dataset}, {"value", m.value}};
    x["stderr"] = m.stderr_value ? json(*m.stderr_value) : json(nullptr);
    a.push_back(x);
  }
  return a;
}

struct Common {
  std::string store;
  bool csv = false;
};

// --- list ------------------------------------------------------------------------------------

struct ListArgs : Common {
  std::string status, method;
  int limit = 0;
};

void runList(const ListArgs& a, const GlobalOptions& g) {
  Store s = openRead(a.store);
  RunFilter f;
  if (!a.status.empty()) {
    f.status = parseRunStatus(a.status);
    if (!f.status)
      throw Error(ErrorKind::InvalidInput,
                  "--status: expected pending, running, done, failed or "
                  "cancelled, got " +
                      a.status);
  }
  f.method = a.method;
  f.limit = a.limit;
  const auto runs = s.runs(f);
  if (g.json) {
    json out = {{"store", a.store}, {"runs", json::array()}};
    for (const auto& r : runs) out["runs"].push_back(runJson(r));
    std::cout << out.dump() << "\n";
  } else if (a.csv) {
    std::cout << "id,name,method,w_bits,a_bits,status,parent_run_id,created_at,wall_seconds\n";
    for (const auto& r : runs)
      std::cout << r.id << ',' << csvField(r.name) << ',' << csvField(r.method) << ',' << r.w_bits
                << ',' << r.a_bits << ',' << runStatusName(r.status) << ','
                << (r.parent_run_id ? std::to_string(*r.parent_run_id) : "") << ',' << r.created_at
                << ',' << (r.wall_seconds ? num(*r.wall_seconds) : "") << "\n";
  } else {
    std::printf("%5s  %-10s %-6s %-44s %8s  %s\n", "id", "status", "parent", "name", "wall s",
                "created");
    for (const auto& r : runs)
      std::printf("%5lld  %-10s %-6s %-44.44s %8.1f  %s\n", static_cast<long long>(r.id),
                  runStatusName(r.status),
                  r.parent_run_id ? std::to_string(*r.parent_run_id).c_str() : "-", r.name.c_str(),
                  r.wall_seconds.value_or(0.0), r.created_at.c_str());
  }
}

// --- show ------------------------------------------------------------------------------------

struct ShowArgs : Common {
  std::int64_t run = 0;
  bool spec = false;
};

void runShow(const ShowArgs& a, const GlobalOptions& g) {
  Store s = openRead(a.store);
  const RunRecord r = s.run(a.run);
  const auto ms = s.metrics(a.run);
  if (a.spec) {
    std::cout << json::parse(r.spec_json).dump(2) << "\n";
    return;
  }
  if (g.json) {
    json out = runJson(r);
    out["spec"] = json::parse(r.spec_json);
    out["metrics"] = metricsJson(ms);
    out["timings"] = r.timings_json.empty() ? json(nullptr) : json::parse(r.timings_json);
    out["host"] = r.host;
    out["tool_version"] = r.tool_version;
    out["peak_rss_bytes"] = r.peak_rss_bytes ? json(*r.peak_rss_bytes) : json(nullptr);
    out["layer_metrics"] = s.layerMetrics(a.run).size();
    std::cout << out.dump() << "\n";
    return;
  }
  if (a.csv) {
    std::cout << "name,dataset,value,stderr\n";
    for (const auto& m : ms)
      std::cout << csvField(m.name) << ',' << csvField(m.dataset) << ',' << num(m.value) << ','
                << (m.stderr_value ? num(*m.stderr_value) : "") << "\n";
    return;
  }
  std::printf("run %lld  %s\n", static_cast<long long>(r.id), r.name.c_str());
  std::printf("  status   %s%s%s\n", runStatusName(r.status), r.error.empty() ? "" : ": ",
              r.error.c_str());
  std::printf("  method   %s  (w%d a%d)  parent %s\n", r.method.c_str(), r.w_bits, r.a_bits,
              r.parent_run_id ? std::to_string(*r.parent_run_id).c_str() : "-");
  std::printf("  created  %s  finished %s  wall %.1f s  host %s  slmq %s\n", r.created_at.c_str(),
              r.finished_at.c_str(), r.wall_seconds.value_or(0.0), r.host.c_str(),
              r.tool_version.c_str());
  std::printf("  %-26s %-18s %14s %12s\n", "metric", "dataset", "value", "stderr");
  for (const auto& m : ms)
    std::printf("  %-26s %-18s %14.6g %12s\n", m.name.c_str(), m.dataset.c_str(), m.value,
                m.stderr_value ? num(*m.stderr_value).substr(0, 10).c_str() : "");
  const auto lm = s.layerMetrics(a.run);
  if (!lm.empty()) std::printf("  %zu layer metrics (sensitivity)\n", lm.size());
}

// --- compare / export ------------------------------------------------------------------------

struct CompareArgs : Common {
  std::vector<std::int64_t> runs;
  std::string output;
};

/// Wide table: one row per (metric, dataset), one column per run.
void runCompare(const CompareArgs& a, const GlobalOptions& g, bool exportMode) {
  Store s = openRead(a.store);
  std::vector<RunRecord> runs;
  std::map<std::pair<std::string, std::string>, std::map<std::int64_t, double>> table;
  for (auto id : a.runs) {
    runs.push_back(s.run(id));
    for (const auto& m : s.metrics(id)) table[{m.name, m.dataset}][id] = m.value;
  }
  std::ostringstream out;
  if (g.json || (exportMode && !a.csv)) {
    json j = {{"runs", json::array()}};
    for (const auto& r : runs) {
      json x = runJson(r);
      x["metrics"] = metricsJson(s.metrics(r.id));
      x["spec"] = json::parse(r.spec_json);
      j["runs"].push_back(x);
    }
    out << j.dump(exportMode ? 2 : -1) << "\n";
  } else if (a.csv || exportMode) {
    out << "metric,dataset";
    for (const auto& r : runs) out << ',' << csvField(std::to_string(r.id) + " " + r.name);
    out << "\n";
    for (const auto& [k, vals] : table) {
      out << csvField(k.first) << ',' << csvField(k.second);
      for (const auto& r : runs) {
        const auto it = vals.find(r.id);
        out << ',' << (it == vals.end() ? "" : num(it->second));
      }
      out << "\n";
    }
  } else {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-24s %-16s", "metric", "dataset");
    out << buf;
    for (const auto& r : runs) {
      std::snprintf(buf, sizeof buf, " %14.14s", (std::to_string(r.id) + " " + r.name).c_str());
      out << buf;
    }
    out << "\n";
    for (const auto& [k, vals] : table) {
      std::snprintf(buf, sizeof buf, "%-24.24s %-16.16s", k.first.c_str(), k.second.c_str());
      out << buf;
      for (const auto& r : runs) {
        const auto it = vals.find(r.id);
        if (it == vals.end())
          std::snprintf(buf, sizeof buf, " %14s", "-");
        else
          std::snprintf(buf, sizeof buf, " %14.6g", it->second);
        out << buf;
      }
      out << "\n";
    }
  }
  if (!a.output.empty()) {
    std::ofstream f(a.output, std::ios::binary);
    if (!f) throw Error(ErrorKind::InvalidInput, "cannot write " + a.output);
    f << out.str();
  } else {
    std::cout << out.str();
  }
}

// --- scores ----------------------------------------------------------------------------------

struct ScoresArgs : Common {
  std::int64_t run = 0;
};

void runScores(const ScoresArgs& a, const GlobalOptions& g) {
  Store s = openRead(a.store);
  const RunRecord r = s.run(a.run);
  const auto scores = computeRunScores(s, a.run);
  if (g.json) {
    json out = {{"run_id", a.run}, {"name", r.name}, {"scores", json::object()}};
    out["parent_run_id"] = r.parent_run_id ? json(*r.parent_run_id) : json(nullptr);
    for (const auto& m : scores) out["scores"][m.name] = m.value;
    std::cout << out.dump() << "\n";
    return;
  }
  if (a.csv) {
    std::cout << "run_id,score,value\n";
    for (const auto& m : scores) std::cout << a.run << ',' << m.name << ',' << num(m.value) << "\n";
    return;
  }
  std::printf("run %lld  %s  (FP parent %s)\n", static_cast<long long>(a.run), r.name.c_str(),
              r.parent_run_id ? std::to_string(*r.parent_run_id).c_str() : "none");
  if (scores.empty()) std::printf("  no scores: the run or its FP parent lacks the metrics\n");
  for (const auto& m : scores) std::printf("  %-12s %8.2f\n", m.name.c_str(), m.value);
  std::printf(
      "  (x100, higher is better; slmq_cons is our formula, RTN on the same model = "
      "reference)\n");
}

slmq::cli::CommandRegistration reg(36, [](CLI::App& app, GlobalOptions& g) {
  auto addCommon = [](CLI::App* c, Common& x) {
    c->add_option("--store", x.store, "Workspace store (SQLite)")->required();
    c->add_flag("--csv", x.csv, "CSV on stdout");
  };
  {
    auto a = std::make_shared<ListArgs>();
    auto* c = app.add_subcommand("list", "List the runs of a store (newest first)");
    addCommon(c, *a);
    c->add_option("--status", a->status, "Only runs with this status");
    c->add_option("--method", a->method, "Only runs with this method label (e.g. gptq, fp)");
    c->add_option("--limit", a->limit, "At most N runs");
    c->callback([a, &g] { runList(*a, g); });
  }
  {
    auto a = std::make_shared<ShowArgs>();
    auto* c = app.add_subcommand("show", "Show one run: status, spec, metrics");
    c->add_option("run", a->run, "Run id")->required();
    addCommon(c, *a);
    c->add_flag("--spec", a->spec, "Print only the run's ExperimentSpec (reusable by slmq run)");
    c->callback([a, &g] { runShow(*a, g); });
  }
  {
    auto a = std::make_shared<CompareArgs>();
    auto* c = app.add_subcommand("compare", "Metrics of several runs side by side");
    c->add_option("runs", a->runs, "Run ids")->required()->expected(1, -1);
    addCommon(c, *a);
    c->callback([a, &g] { runCompare(*a, g, false); });
  }
  {
    auto a = std::make_shared<CompareArgs>();
    auto* c = app.add_subcommand("export", "Export runs (spec + metrics) as JSON, or CSV");
    c->add_option("runs", a->runs, "Run ids")->required()->expected(1, -1);
    addCommon(c, *a);
    c->add_option("-o,--output", a->output, "Write to this file instead of stdout");
    c->callback([a, &g] { runCompare(*a, g, true); });
  }
  {
    auto a = std::make_shared<ScoresArgs>();
    auto* c = app.add_subcommand("scores", "SLMQ scores of a run from its stored metrics");
    c->add_option("run", a->run, "Run id")->required();
    addCommon(c, *a);
    c->callback([a, &g] { runScores(*a, g); });
  }
});

}  // namespace
