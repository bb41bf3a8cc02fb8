// Parses a Hugging Face config.json into a ModelConfig: hub style (top-level rope_theta,
// rope_scaling, torch_dtype) and the newer style (rope_parameters, dtype). Refuses unknown
// architectures and any field that would change the math and is not implemented.
#pragma once

#include <filesystem>
#include <string>

#include "core/model/config.h"

namespace slmq::core {

/// Reads and parses `path` (config.json). Throws Error(InvalidInput) for malformed JSON or a
/// missing/invalid required field, Error(Unsupported) for an unknown architecture or an
/// unimplemented feature (sliding window, hidden_act other than silu, rope type), each naming
/// the field and the file.
ModelConfig parseHfConfigFile(const std::filesystem::path& path);

/// Parses config JSON text; `origin` names the file in error messages.
ModelConfig parseHfConfig(const std::string& json, const std::string& origin);

}  // namespace slmq::core
