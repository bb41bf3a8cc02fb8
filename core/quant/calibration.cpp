// Calibration windows, block-wise propagation and input statistics (see calibration.h).
#include "core/quant/calibration.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/common/assets.h"
#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"

namespace slmq::core {

namespace {

std::string readText(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    throw Error(ErrorKind::NotFound, "calibration text " + path.string() + ": " + ec.message());
  if (size > (std::uintmax_t(1) << 31))
    throw Error(ErrorKind::Resource, "calibration text " + path.string() + " is " +
                                         std::to_string(size) + " bytes (limit 2 GiB)");
  std::FILE* f = std::fopen(path.string().c_str(), "rb");
  if (!f) throw Error(ErrorKind::NotFound, "cannot open calibration text " + path.string());
  std::string s(size, '\0');
  const std::size_t got = std::fread(s.data(), 1, size, f);
  std::fclose(f);
  if (got != size)
    throw Error(ErrorKind::InvalidInput, "calibration text " + path.string() + ": read " +
                                             std::to_string(got) + " of " + std::to_string(size) +
                                             " bytes");
  return s;
}

}  // namespace

BlockInput blockInputOf(Module m) {
  switch (m) {
    case Module::Q:
    case Module::K:
    case Module::V:
      return BlockInput::Attn;
    case Module::O:
      return BlockInput::O;
    case Module::Gate:
    case Module::Up:
      return BlockInput::Mlp;
    case Module::Down:
      return BlockInput::Down;
  }
  return BlockInput::Attn;
}

std::vector<int> drawCalibrationWindows(const std::vector<int>& ids, const CalibrationOptions& o,
                                        const std::string& source) {
  if (o.samples < 1 || o.samples > 100000)
    throw Error(ErrorKind::InvalidInput, "calibration samples = " + std::to_string(o.samples) +
                                             " is out of range (1..100000)");
  if (o.seq_len < 2 || o.seq_len > 65536)
    throw Error(ErrorKind::InvalidInput, "calibration length = " + std::to_string(o.seq_len) +
                                             " is out of range (2..65536)");
  if (ids.size() < std::size_t(o.seq_len))
    throw Error(ErrorKind::InvalidInput, source + " has " + std::to_string(ids.size()) +
                                             " tokens, fewer than the calibration length " +
                                             std::to_string(o.seq_len));
  std::mt19937_64 rng(o.seed);
  const std::uint64_t starts = ids.size() - std::size_t(o.seq_len) + 1;
  std::vector<int> out;
  out.reserve(std::size_t(o.samples) * o.seq_len);
  for (int s = 0; s < o.samples; ++s) {
    const std::size_t start = std::size_t(rng() % starts);
    out.insert(out.end(), ids.begin() + start, ids.begin() + start + o.seq_len);
  }
  return out;
}

std::vector<int> drawCalibrationTokens(const Tokenizer& tokenizer, const CalibrationOptions& o) {
  const std::filesystem::path path =
      o.text.empty() ? assetPath("text/wikitext2_valid.txt") : o.text;
  const std::string text = readText(path);
  const std::vector<int> ids = tokenizer.encode(text, false);
  return drawCalibrationWindows(ids, o, "calibration text " + path.string());
}

// --- statistics hooks -------------------------------------------------------------------------

InputStatsHooks::InputStatsHooks(int block, const StatsOptions& opts)
    : m_block(block), m_opts(opts) {}

void InputStatsHooks::linearInput(const LinearId& id, MatrixRM& x) {
  if (id.block != m_block) return;
  // q/k/v and gate/up share their input: count it once, at q and gate.
  if (id.module == Module::K || id.module == Module::V || id.module == Module::Up) return;
  LayerInputStats& s = m_stats[int(blockInputOf(id.module))];
  const Eigen::Index in = x.cols();
  if (s.rows == 0) {
    s.absmax.setZero(in);
    s.sum_abs.setZero(in);
    if (m_opts.hessian) s.hessian.setZero(in, in);
    if (m_opts.sample_rows > 0) s.samples.resize(0, in);
  }
  if (s.absmax.size() != in)
    throw Error(ErrorKind::Internal, "InputStatsHooks: input width of block " +
                                         std::to_string(id.block) + " changed between calls");
  // x [rows, in]: per-channel absmax and Σ|x| in double.
  const auto ax = x.cwiseAbs();
  s.absmax = s.absmax.cwiseMax(ax.colwise().maxCoeff().transpose().cast<double>());
  s.sum_abs += ax.cast<double>().colwise().sum().transpose();
  if (m_opts.hessian) {
    // Σ x xᵀ: one float GEMM per call (≤ a batch of windows), accumulated in double.
    MatrixRM g = MatrixRM::Zero(in, in);
    g.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
    g.triangularView<Eigen::StrictlyUpper>() = g.transpose();
    s.hessian += g.cast<double>();
  }
  if (m_opts.sample_rows > 0) {
    const std::int64_t total = std::max<std::int64_t>(m_opts.expected_rows, 1);
    const std::int64_t stride = std::max<std::int64_t>(1, total / m_opts.sample_rows);
    std::vector<Eigen::Index> keep;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      const std::int64_t global = s.rows + r;
      if (global % stride == 0 && s.samples.rows() + Eigen::Index(keep.size()) < m_opts.sample_rows)
        keep.push_back(r);
    }
    if (!keep.empty()) {
      const Eigen::Index old = s.samples.rows();
      s.samples.conservativeResize(old + Eigen::Index(keep.size()), in);
      for (std::size_t k = 0; k < keep.size(); ++k)
        s.samples.row(old + Eigen::Index(k)) = x.row(keep[k]);
    }
  }
  s.rows += x.rows();
}

void InputStatsHooks::finish() {
  for (auto& s : m_stats)
    if (s.hessian.size() > 0 && s.rows > 0) s.hessian *= 2.0 / double(s.rows);
}

void ChainedHooks::blockInput(int block, MatrixRM& h) {
  if (m_a) m_a->blockInput(block, h);
  if (m_b) m_b->blockInput(block, h);
}
void ChainedHooks::blockOutput(int block, MatrixRM& h) {
  if (m_a) m_a->blockOutput(block, h);
  if (m_b) m_b->blockOutput(block, h);
}
void ChainedHooks::linearInput(const LinearId& id, MatrixRM& x) {
  if (m_a) m_a->linearInput(id, x);
  if (m_b) m_b->linearInput(id, x);
}
void ChainedHooks::linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) {
  if (m_a) m_a->linearOutput(id, x, y);
  if (m_b) m_b->linearOutput(id, x, y);
}
bool ChainedHooks::modifiesLinearInputs() const {
  return (m_a && m_a->modifiesLinearInputs()) || (m_b && m_b->modifiesLinearInputs());
}

// --- block-wise propagation -------------------------------------------------------------------

BlockwiseCalibration::BlockwiseCalibration(const Model& model, const std::vector<int>& tokens,
                                           int samples, int seqLen, int batch)
    : m_model(model), m_samples(samples), m_seqLen(seqLen), m_batch(std::max(1, batch)) {
  if (samples < 1 || seqLen < 1 || tokens.size() != std::size_t(samples) * seqLen)
    throw Error(ErrorKind::InvalidInput, "calibration: " + std::to_string(tokens.size()) +
                                             " tokens is not " + std::to_string(samples) +
                                             " windows of " + std::to_string(seqLen));
  m_hidden = model.embed(tokens);
}

void BlockwiseCalibration::run(int block, ForwardHooks* hooks, bool advance,
                               const ProgressFn& progress, double from, double to) {
  const std::string stage = "calibrate block " + std::to_string(block);
  for (int s0 = 0; s0 < m_samples; s0 += m_batch) {
    reportProgress(progress, from + (to - from) * double(s0) / m_samples, stage);
    const int nb = std::min(m_batch, m_samples - s0);
    const Eigen::Index r0 = Eigen::Index(s0) * m_seqLen, nr = Eigen::Index(nb) * m_seqLen;
    MatrixRM h = m_hidden.middleRows(r0, nr);
    m_model.forwardBlock(block, h, nb, hooks);
    if (advance) m_hidden.middleRows(r0, nr) = h;
  }
  reportProgress(progress, to, stage);
}

std::vector<std::unique_ptr<InputStatsHooks>> collectInputStats(const Model& model,
                                                                const std::vector<int>& tokens,
                                                                const CalibrationOptions& calib,
                                                                const StatsOptions& opts,
                                                                const ProgressFn& progress) {
  BlockwiseCalibration run(model, tokens, calib.samples, calib.seq_len, calib.batch);
  StatsOptions o = opts;
  o.expected_rows = run.rows();
  const int blocks = model.config().num_layers;
  std::vector<std::unique_ptr<InputStatsHooks>> out;
  for (int b = 0; b < blocks; ++b) {
    auto h = std::make_unique<InputStatsHooks>(b, o);
    run.run(b, h.get(), true, progress, double(b) / blocks, double(b + 1) / blocks);
    h->finish();
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace slmq::core
