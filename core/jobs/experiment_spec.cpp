// ExperimentSpec JSON: writing, and reading with validation errors that name the field.
#include "core/jobs/experiment_spec.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include "core/common/error.h"

namespace slmq::core {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxSpecBytes = 16u << 20;
constexpr int kMaxSpecDepth = 64;

std::string describe(const json& j) {
  std::string s = j.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return std::string(j.type_name()) + " " + s;
}

/// Reads one JSON object field by field, each error naming the field's path; finish() refuses
/// keys that were never read (typos).
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string path, std::string_view source)
      : m_json(j), m_path(std::move(path)), m_source(source) {
    if (!j.is_object()) fail(m_path, "expected an object, got " + describe(j));
  }

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    std::string prefix = m_source.empty() ? std::string() : std::string(m_source) + ": ";
    throw Error(ErrorKind::InvalidInput, prefix + path + ": " + what);
  }
  std::string at(std::string_view key) const { return m_path + "." + std::string(key); }
  const std::string& path() const { return m_path; }
  std::string_view source() const { return m_source; }

  const json* find(std::string_view key) {
    m_seen.insert(std::string(key));
    auto it = m_json.find(key);
    return it == m_json.end() ? nullptr : &*it;
  }
  bool has(std::string_view key) const { return m_json.contains(key); }

  std::string string(std::string_view key, bool required, std::string fallback = {}) {
    const json* v = find(key);
    if (!v) {
      if (required) fail(at(key), "is required");
      return fallback;
    }
    if (!v->is_string()) fail(at(key), "expected a string, got " + describe(*v));
    return v->get<std::string>();
  }

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max, const char* expectation) {
    const json* v = find(key);
    if (!v) return fallback;
    return integerValue(*v, at(key), min, max, expectation);
  }

  std::int64_t integerValue(const json& v, const std::string& path, std::int64_t min,
                            std::int64_t max, const char* expectation) const {
    std::int64_t x = 0;
    if (v.is_number_unsigned()) {
      auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(max))
        fail(path, std::string("expected ") + expectation + ", got " + v.dump());
      x = static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
      x = v.get<std::int64_t>();
    } else {
      fail(path, std::string("expected ") + expectation + ", got " + describe(v));
    }
    if (x < min || x > max)
      fail(path, std::string("expected ") + expectation + ", got " + v.dump());
    return x;
  }

  std::uint64_t seed(std::string_view key) {
    const json* v = find(key);
    if (!v) return 0;
    if (v->is_number_unsigned()) return v->get<std::uint64_t>();
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
      return static_cast<std::uint64_t>(v->get<std::int64_t>());
    }
    fail(at(key), "expected an integer >= 0, got " + describe(*v));
  }

  bool boolean(std::string_view key, bool fallback) {
    const json* v = find(key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(at(key), "expected true or false, got " + describe(*v));
    return v->get<bool>();
  }

  const json* array(std::string_view key) {
    const json* v = find(key);
    if (v && !v->is_array()) fail(at(key), "expected an array, got " + describe(*v));
    return v;
  }

  std::vector<std::string> strings(std::string_view key, std::vector<std::string> fallback) {
    const json* v = array(key);
    if (!v) return fallback;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      std::string p = at(key) + "[" + std::to_string(i) + "]";
      if (!e.is_string()) fail(p, "expected a string, got " + describe(e));
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  std::vector<int> ints(std::string_view key, std::vector<int> fallback, int min, int max,
                        const char* expectation) {
    const json* v = array(key);
    if (!v) return fallback;
    std::vector<int> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
      out.push_back(static_cast<int>(
          integerValue((*v)[i], at(key) + "[" + std::to_string(i) + "]", min, max, expectation)));
    }
    return out;
  }

  /// Refuses keys that were not read.
  void finish() const {
    for (auto it = m_json.begin(); it != m_json.end(); ++it) {
      if (!m_seen.count(it.key())) {
        fail(at(it.key()), "unknown field (check the spelling; this build reads spec version " +
                               std::to_string(ExperimentSpec::kVersion) + ")");
      }
    }
  }

 private:
  const json& m_json;
  std::string m_path;
  std::string_view m_source;
  std::set<std::string> m_seen;
};

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

void requireKnown(const ObjectReader& r, const std::string& path, const std::string& value,
                  const std::vector<std::string>& known, const char* what) {
  if (std::find(known.begin(), known.end(), value) != known.end()) return;
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  r.fail(path, std::string("unknown ") + what + " '" + value + "' (known: " + list + ")");
}

void requireOneOf(const ObjectReader& r, const std::string& path, const std::string& value,
                  std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  r.fail(path, "expected one of " + list + ", got '" + value + "'");
}

MethodStep readMethod(const json& j, const std::string& path, std::string_view source) {
  MethodStep step;
  if (j.is_string()) {  // shorthand: "gptq"
    step.name = j.get<std::string>();
    ObjectReader dummy(json::object(), path, source);
    requireKnown(dummy, path, step.name, knownMethodNames(), "method");
    return step;
  }
  ObjectReader r(j, path, source);
  step.name = r.string("name", true);
  requireKnown(r, r.at("name"), step.name, knownMethodNames(), "method");
  if (const json* p = r.find("params")) {
    if (!p->is_object()) r.fail(r.at("params"), "expected an object, got " + describe(*p));
    step.params = *p;
  }
  r.finish();
  return step;
}

CalibrationSpec readCalibration(const json& j, const std::string& path, std::string_view source) {
  ObjectReader r(j, path, source);
  CalibrationSpec c;
  c.file = r.string("file", true);
  if (c.file.empty()) r.fail(r.at("file"), "must not be empty");
  c.n_samples = static_cast<int>(r.integer("n_samples", c.n_samples, 1, 1 << 20, "an integer > 0"));
  c.seq_len = static_cast<int>(r.integer("seq_len", c.seq_len, 2, 1 << 20, "an integer > 1"));
  c.seed = r.seed("seed");
  r.finish();
  return c;
}

EvaluationSpec readEvaluations(const json& j, const std::string& path, std::string_view source) {
  ObjectReader r(j, path, source);
  EvaluationSpec e;
  if (const json* p = r.find("perplexity")) {
    ObjectReader pr(*p, r.at("perplexity"), source);
    PerplexityEval pe;
    pe.texts = pr.strings("texts", {});
    if (pe.texts.empty()) pr.fail(pr.at("texts"), "needs at least one text");
    pe.seq_len = static_cast<int>(pr.integer("seq_len", pe.seq_len, 2, 1 << 20, "an integer > 1"));
    pe.max_chunks =
        static_cast<int>(pr.integer("max_chunks", 0, 0, kMaxInt, "an integer >= 0 (0 = all)"));
    pr.finish();
    e.perplexity = pe;
  }
  if (const json* tasks = r.array("tasks")) {
    for (std::size_t i = 0; i < tasks->size(); ++i) {
      std::string tp = r.at("tasks") + "[" + std::to_string(i) + "]";
      ObjectReader tr((*tasks)[i], tp, source);
      TaskEval t;
      t.name = tr.string("name", true);
      requireKnown(tr, tr.at("name"), t.name, knownTaskNames(), "task");
      t.limit = static_cast<int>(tr.integer("limit", 0, 0, kMaxInt, "an integer >= 0 (0 = all)"));
      tr.finish();
      for (const auto& other : e.tasks) {
        if (other.name == t.name) tr.fail(tr.at("name"), "task '" + t.name + "' listed twice");
      }
      e.tasks.push_back(t);
    }
  }
  if (const json* k = r.find("kld")) {
    ObjectReader kr(*k, r.at("kld"), source);
    KldEval ke;
    ke.text = kr.string("text", true);
    ke.seq_len = static_cast<int>(kr.integer("seq_len", ke.seq_len, 2, 1 << 20, "an integer > 1"));
    ke.max_chunks =
        static_cast<int>(kr.integer("max_chunks", 0, 0, kMaxInt, "an integer >= 0 (0 = all)"));
    kr.finish();
    e.kld = ke;
  }
  if (const json* b = r.find("bench")) {
    ObjectReader br(*b, r.at("bench"), source);
    BenchEval be;
    be.prompt_tokens = static_cast<int>(
        br.integer("prompt_tokens", be.prompt_tokens, 1, 1 << 20, "an integer > 0"));
    be.gen_tokens =
        static_cast<int>(br.integer("gen_tokens", be.gen_tokens, 0, 1 << 20, "an integer >= 0"));
    be.repetitions = static_cast<int>(
        br.integer("repetitions", be.repetitions, 1, 1000, "an integer in [1, 1000]"));
    br.finish();
    e.bench = be;
  }
  r.finish();
  return e;
}

AnalysisSpec readAnalyses(const json& j, const std::string& path, std::string_view source) {
  ObjectReader r(j, path, source);
  AnalysisSpec a;
  if (const json* s = r.find("sensitivity")) {
    ObjectReader sr(*s, r.at("sensitivity"), source);
    SensitivitySpec ss;
    ss.metric = sr.string("metric", false, ss.metric);
    requireOneOf(sr, sr.at("metric"), ss.metric, {"dppl", "kld", "mse"});
    ss.bits = sr.ints("bits", ss.bits, 2, 16, "an integer in [2, 16]");
    if (ss.bits.empty()) sr.fail(sr.at("bits"), "needs at least one bit width");
    ss.mode = sr.string("mode", false, ss.mode);
    requireOneOf(sr, sr.at("mode"), ss.mode, {"only_this", "all_but_this"});
    ss.modules = sr.strings("modules", {});
    ss.text = sr.string("text", false);
    if (ss.text.empty() && ss.metric != "mse") {
      sr.fail(sr.at("text"), "is required for metric '" + ss.metric + "'");
    }
    ss.seq_len = static_cast<int>(sr.integer("seq_len", ss.seq_len, 2, 1 << 20, "an integer > 1"));
    ss.max_chunks = static_cast<int>(
        sr.integer("max_chunks", ss.max_chunks, 0, kMaxInt, "an integer >= 0 (0 = all)"));
    sr.finish();
    a.sensitivity = ss;
  }
  if (const json* s = r.find("stats")) {
    ObjectReader sr(*s, r.at("stats"), source);
    StatsSpec st;
    st.histogram_bins = static_cast<int>(
        sr.integer("histogram_bins", st.histogram_bins, 2, 65536, "an integer in [2, 65536]"));
    st.channel_stats = sr.boolean("channel_stats", st.channel_stats);
    st.tensors = sr.strings("tensors", st.tensors);
    for (std::size_t i = 0; i < st.tensors.size(); ++i) {
      requireOneOf(sr, sr.at("tensors") + "[" + std::to_string(i) + "]", st.tensors[i],
                   {"weight", "input", "output"});
    }
    st.layers = sr.ints("layers", {}, 0, 1 << 16, "a layer index >= 0");
    sr.finish();
    a.stats = st;
  }
  r.finish();
  return a;
}

}  // namespace

const std::vector<std::string>& knownMethodNames() {
  static const std::vector<std::string> names = {"rtn",    "gptq",      "awq",      "smoothquant",
                                                 "quarot", "spinquant", "omniquant"};
  return names;
}

const std::vector<std::string>& knownTaskNames() {
  static const std::vector<std::string> names = {"arc_easy",  "arc_challenge", "piqa",
                                                 "hellaswag", "winogrande",    "mmlu"};
  return names;
}

json ExperimentSpec::toJson() const {
  json j;
  j["version"] = kVersion;
  j["name"] = name;
  j["model"] = model;
  j["methods"] = json::array();
  for (const auto& m : methods) j["methods"].push_back({{"name", m.name}, {"params", m.params}});
  j["quant"] = quant;
  if (calibration) {
    j["calibration"] = {{"file", calibration->file},
                        {"n_samples", calibration->n_samples},
                        {"seq_len", calibration->seq_len},
                        {"seed", calibration->seed}};
  }
  json e = json::object();
  if (evaluations.perplexity) {
    const auto& p = *evaluations.perplexity;
    e["perplexity"] = {{"texts", p.texts}, {"seq_len", p.seq_len}, {"max_chunks", p.max_chunks}};
  }
  if (!evaluations.tasks.empty()) {
    e["tasks"] = json::array();
    for (const auto& t : evaluations.tasks)
      e["tasks"].push_back({{"name", t.name}, {"limit", t.limit}});
  }
  if (evaluations.kld) {
    const auto& k = *evaluations.kld;
    e["kld"] = {{"text", k.text}, {"seq_len", k.seq_len}, {"max_chunks", k.max_chunks}};
  }
  if (evaluations.bench) {
    const auto& b = *evaluations.bench;
    e["bench"] = {{"prompt_tokens", b.prompt_tokens},
                  {"gen_tokens", b.gen_tokens},
                  {"repetitions", b.repetitions}};
  }
  j["evaluations"] = e;
  json a = json::object();
  if (analyses.sensitivity) {
    const auto& s = *analyses.sensitivity;
    a["sensitivity"] = {{"metric", s.metric},        {"bits", s.bits}, {"mode", s.mode},
                        {"modules", s.modules},      {"text", s.text}, {"seq_len", s.seq_len},
                        {"max_chunks", s.max_chunks}};
  }
  if (analyses.stats) {
    const auto& s = *analyses.stats;
    a["stats"] = {{"histogram_bins", s.histogram_bins},
                  {"channel_stats", s.channel_stats},
                  {"tensors", s.tensors},
                  {"layers", s.layers}};
  }
  j["analyses"] = a;
  j["seed"] = seed;
  return j;
}

std::string ExperimentSpec::dump(int indent) const {
  return toJson().dump(indent);
}

std::string ExperimentSpec::methodLabel() const {
  if (methods.empty()) return "fp";
  std::string s;
  for (const auto& m : methods) s += (s.empty() ? "" : ",") + m.name;
  return s;
}

ExperimentSpec ExperimentSpec::fromJson(const json& j, std::string_view source) {
  ObjectReader r(j, "spec", source);
  ExperimentSpec spec;
  std::int64_t version = r.integer("version", kVersion, 1, kMaxInt, "an integer >= 1");
  if (version > kVersion) {
    std::string prefix = source.empty() ? std::string() : std::string(source) + ": ";
    throw Error(ErrorKind::Unsupported,
                prefix + "spec.version: " + std::to_string(version) +
                    " was written by a newer slmq; this build reads version " +
                    std::to_string(kVersion));
  }
  spec.name = r.string("name", false);
  spec.model = r.string("model", true);
  if (spec.model.empty()) r.fail(r.at("model"), "must not be empty");
  if (const json* methods = r.array("methods")) {
    for (std::size_t i = 0; i < methods->size(); ++i) {
      spec.methods.push_back(
          readMethod((*methods)[i], r.at("methods") + "[" + std::to_string(i) + "]", source));
    }
  }
  if (const json* q = r.find("quant")) {
    if (!q->is_object()) r.fail(r.at("quant"), "expected an object, got " + describe(*q));
    spec.quant = *q;
  }
  if (const json* c = r.find("calibration")) {
    if (!c->is_null()) spec.calibration = readCalibration(*c, r.at("calibration"), source);
  }
  if (const json* e = r.find("evaluations")) {
    spec.evaluations = readEvaluations(*e, r.at("evaluations"), source);
  }
  if (const json* a = r.find("analyses")) {
    spec.analyses = readAnalyses(*a, r.at("analyses"), source);
  }
  spec.seed = r.seed("seed");
  r.finish();
  return spec;
}

ExperimentSpec fpParentSpec(const ExperimentSpec& spec) {
  ExperimentSpec fp;
  fp.model = spec.model;
  fp.seed = spec.seed;
  fp.evaluations = spec.evaluations;
  fp.evaluations.kld.reset();
  return fp;
}

ExperimentSpec ExperimentSpec::parse(std::string_view text, std::string_view source) {
  std::string prefix = source.empty() ? std::string("spec") : std::string(source);
  if (text.size() > kMaxSpecBytes) {
    throw Error(ErrorKind::Resource, prefix + ": " + std::to_string(text.size()) +
                                         " bytes is too large for an experiment spec (limit " +
                                         std::to_string(kMaxSpecBytes) + ")");
  }
  json j;
  try {
    j = json::parse(text, [&](int depth, json::parse_event_t, json&) {
      if (depth > kMaxSpecDepth) {
        throw Error(ErrorKind::InvalidInput, prefix + ": JSON nested deeper than " +
                                                 std::to_string(kMaxSpecDepth) + " levels");
      }
      return true;
    });
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number beyond double's range (found by spec_fuzz)
    throw Error(ErrorKind::InvalidInput, prefix + ": not valid JSON: " + e.what());
  }
  return fromJson(j, source);
}

}  // namespace slmq::core
