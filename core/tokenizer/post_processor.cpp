// Post-processor parsing: templates reduced to prefix/suffix special-token ids.
#include "core/tokenizer/post_processor.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"

namespace slmq::core {
namespace {

using Json = nlohmann::json;

int checkedId(const Json& v, int vocabLimit, const std::string& what, const std::string& where) {
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() >= vocabLimit) {
    throw Error(ErrorKind::InvalidInput, where + ": post_processor " + what + " has id " +
                                             v.dump() + " outside the vocabulary (size " +
                                             std::to_string(vocabLimit) + ")");
  }
  return v.get<int>();
}

// TemplateProcessing "single": a list of {"SpecialToken": {"id": name}} / {"Sequence": {"id":
// "A"}} items, or the string form "<s> $A </s>".
SpecialTokenWrap templateWrap(const Json& spec, int vocabLimit, const std::string& where) {
  if (!spec.contains("single")) {
    throw Error(ErrorKind::InvalidInput, where + ": TemplateProcessing has no \"single\"");
  }
  const Json specials = spec.value("special_tokens", Json::object());
  if (!specials.is_object()) {
    throw Error(ErrorKind::InvalidInput,
                where + ": TemplateProcessing \"special_tokens\" must be an object");
  }
  SpecialTokenWrap wrap;
  bool seenSequence = false;
  auto addSpecial = [&](const std::string& name) {
    if (!specials.contains(name) || !specials[name].is_object() ||
        !specials[name].contains("ids") || !specials[name]["ids"].is_array()) {
      throw Error(ErrorKind::InvalidInput, where + ": TemplateProcessing uses special token \"" +
                                               name + "\" that \"special_tokens\" does not define");
    }
    auto& dst = seenSequence ? wrap.suffix : wrap.prefix;
    for (const auto& id : specials[name]["ids"]) {
      dst.push_back(checkedId(id, vocabLimit, "special token \"" + name + "\"", where));
    }
  };
  auto addSequence = [&](const std::string& name) {
    if (name != "A" && name != "$A" && name != "$" && name != "$0") {
      throw Error(ErrorKind::InvalidInput, where +
                                               ": TemplateProcessing \"single\" uses sequence " +
                                               name + " (only A exists for one sequence)");
    }
    if (seenSequence) {
      throw Error(ErrorKind::InvalidInput,
                  where + ": TemplateProcessing \"single\" repeats the sequence");
    }
    seenSequence = true;
  };

  const Json& single = spec["single"];
  if (single.is_string()) {
    std::istringstream words(single.get<std::string>());
    std::string w;
    while (words >> w) {
      const auto colon = w.find(':');  // strip a ":type_id" suffix
      const std::string name = colon == std::string::npos ? w : w.substr(0, colon);
      if (!name.empty() && name[0] == '$') {
        addSequence(name == "$B" || name == "$1" ? "B" : name);
      } else {
        addSpecial(name);
      }
    }
  } else if (single.is_array()) {
    for (const auto& item : single) {
      if (item.is_object() && item.contains("SpecialToken") && item["SpecialToken"].is_object() &&
          item["SpecialToken"].value("id", Json()).is_string()) {
        addSpecial(item["SpecialToken"]["id"].get<std::string>());
      } else if (item.is_object() && item.contains("Sequence") && item["Sequence"].is_object() &&
                 item["Sequence"].value("id", Json()).is_string()) {
        addSequence(item["Sequence"]["id"].get<std::string>());
      } else {
        throw Error(ErrorKind::InvalidInput,
                    where + ": TemplateProcessing \"single\" has a malformed item " + item.dump());
      }
    }
  } else {
    throw Error(ErrorKind::InvalidInput,
                where + ": TemplateProcessing \"single\" must be a list or a string");
  }
  if (!seenSequence) {
    throw Error(ErrorKind::InvalidInput,
                where + ": TemplateProcessing \"single\" never places the sequence $A");
  }
  return wrap;
}

// RobertaProcessing / BertProcessing: "cls": [token, id], "sep": [token, id] -> cls A sep.
SpecialTokenWrap clsSepWrap(const Json& spec, int vocabLimit, const std::string& where) {
  auto idOf = [&](const char* key) {
    if (!spec.contains(key) || !spec[key].is_array() || spec[key].size() != 2) {
      throw Error(ErrorKind::InvalidInput, where + ": post_processor " +
                                               spec["type"].get<std::string>() + " needs \"" + key +
                                               "\": [token, id]");
    }
    return checkedId(spec[key][1], vocabLimit, key, where);
  };
  SpecialTokenWrap wrap;
  wrap.prefix.push_back(idOf("cls"));
  wrap.suffix.push_back(idOf("sep"));
  return wrap;
}

}  // namespace

SpecialTokenWrap makeSpecialTokenWrap(const Json& spec, int vocabLimit, const std::string& where) {
  if (spec.is_null()) return {};
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string()) {
    throw Error(ErrorKind::InvalidInput,
                where + ": post_processor must be an object with a \"type\"");
  }
  const auto type = spec["type"].get<std::string>();
  if (type == "TemplateProcessing") return templateWrap(spec, vocabLimit, where);
  if (type == "RobertaProcessing" || type == "BertProcessing") {
    return clsSepWrap(spec, vocabLimit, where);
  }
  if (type == "ByteLevel") return {};  // only trims offsets
  if (type == "Sequence") {
    if (!spec.contains("processors") || !spec["processors"].is_array()) {
      throw Error(ErrorKind::InvalidInput,
                  where + ": Sequence post_processor needs a \"processors\" array");
    }
    // Applied in order, each wrapping the result of the previous one.
    SpecialTokenWrap total;
    for (const auto& p : spec["processors"]) {
      auto w = makeSpecialTokenWrap(p, vocabLimit, where);
      w.prefix.insert(w.prefix.end(), total.prefix.begin(), total.prefix.end());
      total.prefix = std::move(w.prefix);
      total.suffix.insert(total.suffix.end(), w.suffix.begin(), w.suffix.end());
    }
    return total;
  }
  throw Error(ErrorKind::Unsupported,
              where + ": post_processor type \"" + type +
                  "\" is not implemented (supported: TemplateProcessing, RobertaProcessing, "
                  "BertProcessing, ByteLevel, Sequence)");
}

}  // namespace slmq::core
