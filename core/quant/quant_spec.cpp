// QuantSpec: layer resolution, validation, short names and JSON (see quant_spec.h).
#include "core/quant/quant_spec.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include "core/common/error.h"

namespace slmq::core {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& msg) {
  throw Error(ErrorKind::InvalidInput, "quant spec: " + msg);
}

void validateWeight(const WeightQuant& w, const std::string& where) {
  if (!(w.bits == 16 || (w.bits >= 2 && w.bits <= 8)))
    fail(where + ".bits = " + std::to_string(w.bits) + " is out of range (2..8, or 16 = off)");
  if (w.granularity == WeightGranularity::PerGroup && (w.group_size < 1 || w.group_size > 65536))
    fail(where + ".group_size = " + std::to_string(w.group_size) + " is out of range (1..65536)");
  if (!(w.clip_ratio > 0.f && w.clip_ratio <= 1.f))
    fail(where + ".clip_ratio = " + std::to_string(w.clip_ratio) + " is out of range (0, 1]");
}

void validateAct(const ActQuant& a, const std::string& where) {
  if (!(a.bits == 16 || (a.bits >= 2 && a.bits <= 8)))
    fail(where + ".bits = " + std::to_string(a.bits) + " is out of range (4..8, or 16 = off)");
  if (!(a.clip_ratio > 0.f && a.clip_ratio <= 1.f))
    fail(where + ".clip_ratio = " + std::to_string(a.clip_ratio) + " is out of range (0, 1]");
}

// --- JSON helpers: every read names the field -------------------------------------------------

void checkKeys(const json& j, const std::string& where, const std::set<std::string>& allowed) {
  if (!j.is_object()) fail(where.empty() ? "expected a JSON object" : where + " must be an object");
  for (const auto& [k, v] : j.items())
    if (!allowed.count(k)) fail("unknown field '" + (where.empty() ? k : where + "." + k) + "'");
}

template <class T>
T get(const json& j, const std::string& key, const std::string& where, T fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  const std::string name = where.empty() ? key : where + "." + key;
  try {
    if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) fail(name + " must be true or false");
    } else if constexpr (std::is_integral_v<T>) {
      if (!it->is_number_integer()) fail(name + " must be an integer");
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!it->is_number()) fail(name + " must be a number");
    } else {
      if (!it->is_string()) fail(name + " must be a string");
    }
    return it->get<T>();
  } catch (const json::exception& e) {
    fail(name + ": " + e.what());
  }
}

json weightToJson(const WeightQuant& w) {
  return {{"bits", w.bits},
          {"granularity", granularityName(w.granularity)},
          {"group_size", w.group_size},
          {"symmetric", w.symmetric},
          {"clip_ratio", w.clip_ratio}};
}

json actToJson(const ActQuant& a) {
  return {{"bits", a.bits},
          {"granularity", granularityName(a.granularity)},
          {"symmetric", a.symmetric},
          {"clip_ratio", a.clip_ratio}};
}

WeightQuant weightFromJson(const json& j, const std::string& where) {
  checkKeys(j, where, {"bits", "granularity", "group_size", "symmetric", "clip_ratio"});
  WeightQuant w;
  w.bits = get<int>(j, "bits", where, w.bits);
  const auto g = get<std::string>(j, "granularity", where, granularityName(w.granularity));
  if (g == "per-tensor")
    w.granularity = WeightGranularity::PerTensor;
  else if (g == "per-channel")
    w.granularity = WeightGranularity::PerChannel;
  else if (g == "per-group")
    w.granularity = WeightGranularity::PerGroup;
  else
    fail(where + ".granularity = '" + g + "' (expected per-tensor, per-channel or per-group)");
  w.group_size = get<int>(j, "group_size", where, w.group_size);
  w.symmetric = get<bool>(j, "symmetric", where, w.symmetric);
  w.clip_ratio = get<float>(j, "clip_ratio", where, w.clip_ratio);
  validateWeight(w, where);
  return w;
}

ActQuant actFromJson(const json& j, const std::string& where) {
  checkKeys(j, where, {"bits", "granularity", "symmetric", "clip_ratio"});
  ActQuant a;
  a.bits = get<int>(j, "bits", where, a.bits);
  const auto g = get<std::string>(j, "granularity", where, granularityName(a.granularity));
  if (g == "per-token")
    a.granularity = ActGranularity::PerToken;
  else if (g == "per-tensor-static")
    a.granularity = ActGranularity::PerTensorStatic;
  else
    fail(where + ".granularity = '" + g + "' (expected per-token or per-tensor-static)");
  a.symmetric = get<bool>(j, "symmetric", where, a.symmetric);
  a.clip_ratio = get<float>(j, "clip_ratio", where, a.clip_ratio);
  validateAct(a, where);
  return a;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool parseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parseFloat(const std::string& s, float& out) {
  if (s.empty()) return false;
  std::size_t pos = 0;
  try {
    out = std::stof(s, &pos);
  } catch (...) {
    return false;
  }
  return pos == s.size();
}

// Local name tables so that the spec does not depend on core/model's object code.
const char* kModuleNames[kModuleCount] = {"q", "k", "v", "o", "gate", "up", "down"};

const char* modName(Module m) {
  return kModuleNames[int(m)];
}

std::optional<Module> modFromName(std::string n) {
  n = lower(n);
  if (n.size() > 5 && n.compare(n.size() - 5, 5, "_proj") == 0) n.resize(n.size() - 5);
  for (int i = 0; i < kModuleCount; ++i)
    if (n == kModuleNames[i]) return Module(i);
  return std::nullopt;
}

std::string fmtFloat(float v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

const char* granularityName(WeightGranularity g) noexcept {
  switch (g) {
    case WeightGranularity::PerTensor:
      return "per-tensor";
    case WeightGranularity::PerChannel:
      return "per-channel";
    case WeightGranularity::PerGroup:
      return "per-group";
  }
  return "?";
}

const char* granularityName(ActGranularity g) noexcept {
  switch (g) {
    case ActGranularity::PerToken:
      return "per-token";
    case ActGranularity::PerTensorStatic:
      return "per-tensor-static";
  }
  return "?";
}

LayerQuant QuantSpec::forLayer(const LinearId& id) const {
  LayerQuant lq;
  if (decoder_linears) {
    lq.weight = weight;
    lq.act = act;
  } else {
    lq.weight.bits = 16;
    lq.act.bits = 16;
  }
  for (const auto& o : overrides) {
    if (!o.matches(id)) continue;
    if (o.weight) lq.weight = *o.weight;
    if (o.act) lq.act = *o.act;
  }
  return lq;
}

bool QuantSpec::quantizesWeights() const {
  if ((decoder_linears || embeddings || lm_head) && weight.enabled()) return true;
  return std::any_of(overrides.begin(), overrides.end(),
                     [](const LayerOverride& o) { return o.weight && o.weight->enabled(); });
}

bool QuantSpec::quantizesActivations() const {
  if (decoder_linears && act.enabled()) return true;
  return std::any_of(overrides.begin(), overrides.end(),
                     [](const LayerOverride& o) { return o.act && o.act->enabled(); });
}

void QuantSpec::validate() const {
  validateWeight(weight, "weight");
  validateAct(act, "act");
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string where = "overrides[" + std::to_string(i) + "]";
    if (overrides[i].block < -1 || overrides[i].block > 100000)
      fail(where + ".block = " + std::to_string(overrides[i].block) + " is out of range");
    if (overrides[i].weight) validateWeight(*overrides[i].weight, where + ".weight");
    if (overrides[i].act) validateAct(*overrides[i].act, where + ".act");
  }
}

std::string QuantSpec::shortName() const {
  std::string s = "w" + std::to_string(weight.bits) + "a" + std::to_string(act.bits);
  if (weight.enabled()) {
    switch (weight.granularity) {
      case WeightGranularity::PerTensor:
        s += " pertensor";
        break;
      case WeightGranularity::PerChannel:
        s += " perchannel";
        break;
      case WeightGranularity::PerGroup:
        s += " g" + std::to_string(weight.group_size);
        break;
    }
    s += weight.symmetric ? " sym" : " asym";
    if (weight.clip_ratio != 1.f) s += " clip" + fmtFloat(weight.clip_ratio);
  }
  if (act.enabled()) {
    s += act.granularity == ActGranularity::PerToken ? " pertoken" : " static";
    if (!act.symmetric) s += " asym-a";
    if (act.clip_ratio != 1.f) s += " aclip" + fmtFloat(act.clip_ratio);
  }
  if (!decoder_linears) s += " -linears";
  if (embeddings) s += " +emb";
  if (lm_head) s += " +head";
  return s;
}

QuantSpec QuantSpec::parse(const std::string& text) {
  QuantSpec spec;
  std::string t = lower(text);
  for (char& c : t)
    if (c == ',' || c == '_' || c == '\t') c = ' ';
  std::istringstream in(t);
  std::string tok;
  bool any = false;
  while (in >> tok) {
    any = true;
    int n = 0;
    float f = 0;
    if (tok[0] == 'w' && tok.size() > 1 && std::isdigit(static_cast<unsigned char>(tok[1]))) {
      const auto apos = tok.find('a');
      if (!parseInt(std::string_view(tok).substr(
                        1, apos == std::string::npos ? std::string::npos : apos - 1),
                    n))
        fail("cannot read '" + tok + "' in \"" + text + "\" (expected wN or wNaM)");
      spec.weight.bits = n;
      if (apos != std::string::npos) {
        if (!parseInt(std::string_view(tok).substr(apos + 1), n))
          fail("cannot read '" + tok + "' in \"" + text + "\" (expected wNaM)");
        spec.act.bits = n;
      }
    } else if (tok[0] == 'a' && tok.size() > 1 && parseInt(std::string_view(tok).substr(1), n)) {
      spec.act.bits = n;
    } else if (tok[0] == 'g' && tok.size() > 1 && parseInt(std::string_view(tok).substr(1), n)) {
      spec.weight.granularity = WeightGranularity::PerGroup;
      spec.weight.group_size = n;
    } else if (tok == "perchannel" || tok == "pc" || tok == "per-channel") {
      spec.weight.granularity = WeightGranularity::PerChannel;
    } else if (tok == "pertensor" || tok == "per-tensor") {
      spec.weight.granularity = WeightGranularity::PerTensor;
    } else if (tok == "sym") {
      spec.weight.symmetric = true;
    } else if (tok == "asym") {
      spec.weight.symmetric = false;
    } else if (tok == "asym-a") {
      spec.act.symmetric = false;
    } else if (tok == "pertoken" || tok == "per-token") {
      spec.act.granularity = ActGranularity::PerToken;
    } else if (tok == "static") {
      spec.act.granularity = ActGranularity::PerTensorStatic;
    } else if (tok.rfind("aclip", 0) == 0 && parseFloat(tok.substr(5), f)) {
      spec.act.clip_ratio = f;
    } else if (tok.rfind("clip", 0) == 0 && parseFloat(tok.substr(4), f)) {
      spec.weight.clip_ratio = f;
    } else if (tok == "+emb") {
      spec.embeddings = true;
    } else if (tok == "+head") {
      spec.lm_head = true;
    } else if (tok == "-linears") {
      spec.decoder_linears = false;
    } else {
      fail("unknown token '" + tok + "' in \"" + text +
           "\" (expected wN, wNaM, aM, gN, perchannel, pertensor, sym, asym, clipR, pertoken, "
           "static, asym-a, aclipR, +emb, +head)");
    }
  }
  if (!any) fail("empty short name");
  spec.validate();
  return spec;
}

json QuantSpec::toJson() const {
  json ov = json::array();
  for (const auto& o : overrides) {
    json e = {{"block", o.block}};
    if (o.module) e["module"] = modName(*o.module);
    if (o.weight) e["weight"] = weightToJson(*o.weight);
    if (o.act) e["act"] = actToJson(*o.act);
    ov.push_back(std::move(e));
  }
  return {{"weight", weightToJson(weight)},
          {"act", actToJson(act)},
          {"decoder_linears", decoder_linears},
          {"embeddings", embeddings},
          {"lm_head", lm_head},
          {"overrides", std::move(ov)}};
}

QuantSpec QuantSpec::fromJson(const json& j) {
  checkKeys(j, "", {"weight", "act", "decoder_linears", "embeddings", "lm_head", "overrides"});
  QuantSpec s;
  if (j.contains("weight")) s.weight = weightFromJson(j["weight"], "weight");
  if (j.contains("act")) s.act = actFromJson(j["act"], "act");
  s.decoder_linears = get<bool>(j, "decoder_linears", "", s.decoder_linears);
  s.embeddings = get<bool>(j, "embeddings", "", s.embeddings);
  s.lm_head = get<bool>(j, "lm_head", "", s.lm_head);
  if (j.contains("overrides")) {
    const json& ov = j["overrides"];
    if (!ov.is_array()) fail("overrides must be an array");
    if (ov.size() > 100000) fail("overrides has " + std::to_string(ov.size()) + " entries");
    for (std::size_t i = 0; i < ov.size(); ++i) {
      const std::string where = "overrides[" + std::to_string(i) + "]";
      checkKeys(ov[i], where, {"block", "module", "weight", "act"});
      LayerOverride o;
      o.block = get<int>(ov[i], "block", where, -1);
      if (ov[i].contains("module")) {
        const auto m = get<std::string>(ov[i], "module", where, "");
        o.module = modFromName(m);
        if (!o.module)
          fail(where + ".module = '" + m + "' is not one of q, k, v, o, gate, up, down");
      }
      if (ov[i].contains("weight")) o.weight = weightFromJson(ov[i]["weight"], where + ".weight");
      if (ov[i].contains("act")) o.act = actFromJson(ov[i]["act"], where + ".act");
      s.overrides.push_back(std::move(o));
    }
  }
  s.validate();
  return s;
}

}  // namespace slmq::core
