// `slmq export-gguf MODEL OUT.gguf [--type f32|f16|q8_0|q4_0]`: write a model as GGUF (llama or
// qwen2) that llama.cpp can run. Argument parsing only; the work is exportGgufModel in core.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/command.h"
#include "core/model/gguf_export.h"
#include "core/model/model.h"

namespace {

using slmq::cli::GlobalOptions;
using namespace slmq::core;

void exportGguf(const std::string& in, const std::string& out, GgmlType type,
                const GlobalOptions& g) {
  const auto model = Model::load(in);
  GgufExportOptions o;
  o.linear_type = type;
  o.name = std::filesystem::path(in).filename().string();
  exportGgufModel(model->config(), model->weights(), model->tokenizer(), out, o);
  const auto bytes = std::filesystem::file_size(out);
  if (g.json) {
    std::cout << nlohmann::json{{"model", in},
                                {"output", out},
                                {"linear_type", ggmlTypeName(type)},
                                {"bytes", bytes}}
                     .dump()
              << std::endl;
  } else {
    std::printf("wrote %s (%s linears, %llu bytes)\n", out.c_str(), ggmlTypeName(type).c_str(),
                static_cast<unsigned long long>(bytes));
  }
}

slmq::cli::CommandRegistration reg(60, [](CLI::App& app, GlobalOptions& g) {
  auto* c = app.add_subcommand("export-gguf", "Write a model as a GGUF file (llama / qwen2)");
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto type = std::make_shared<GgmlType>(GgmlType::F32);
  const std::map<std::string, GgmlType> types = {{"f32", GgmlType::F32},
                                                 {"f16", GgmlType::F16},
                                                 {"q8_0", GgmlType::Q8_0},
                                                 {"q4_0", GgmlType::Q4_0}};
  c->add_option("model", *in, "Model directory, .gguf or llama2.c .bin")->required();
  c->add_option("output", *out, "GGUF file to write")->required();
  c->add_option("--type", *type, "Storage of the block linear layers")
      ->transform(CLI::CheckedTransformer(types, CLI::ignore_case));
  c->callback([in, out, type, &g] { exportGguf(*in, *out, *type, g); });
});

}  // namespace
