// SpinQuant's training on a real model (smol-ref, W4A4 per-channel weights / per-token
// activations, as the slow test): a few Cayley SGD steps on ONE fixed batch must lower the
// training loss of that batch (evaluated on the same batch before and after the steps, not the
// running loss of different batches), and keep R1/R2 orthogonal. The training loss must be the
// cross-entropy of the model the pipeline builds from the same rotations (folded R1/R2, RTN
// weights, fake-quantized activations behind the online R4, Model::forward), and that model's
// loss on the batch must fall too; without quantization the learned rotations must fold exactly
// (float loss of the problem = the rotated float model's). SLMQ_TEST_SPIN_MODEL (default
// smol-ref) picks another model.
// SLMQ_TEST_SPIN_STEPS (default 4) changes the number of steps.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/model/model.h"
#include "core/quant/calibration.h"
#include "core/quant/fake_quant_hooks.h"
#include "core/quant/methods/rtn.h"
#include "core/quant/methods/spinquant.h"
#include "core/quant/rotation/rotation.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;
using slmq::test::asset;

namespace {

double orthoError(const MatrixRMd& r) {
  return (r.transpose() * r - MatrixRMd::Identity(r.rows(), r.cols())).cwiseAbs().maxCoeff();
}

TEST(SpinQuantTraining, LossOnAFixedBatchFallsOnSmolRef) {
  const char* env = std::getenv("SLMQ_TEST_SPIN_MODEL");
  const std::string name = env ? env : "smol-ref";
  auto model = Model::load(asset("models/" + name));
  SpinQuantOptions o;
  o.steps = slmq::test::envInt("SLMQ_TEST_SPIN_STEPS", 4, 1);
  o.batch = 2;
  o.seq_len = 128;
  CalibrationOptions calib;
  calib.text = asset("text/wikitext2_valid.txt");
  calib.samples = o.batch;
  calib.seq_len = o.seq_len;
  const std::vector<int> batch = drawCalibrationTokens(*model->tokenizer(), calib);
  ASSERT_EQ(batch.size(), std::size_t(o.batch * o.seq_len));

  const QuantSpec spec = QuantSpec::parse("w4a4 perchannel sym pertoken");
  SpinQuantSetup s = prepareSpinQuant(*model, spec, o);
  auto loss = [&](const MatrixRMd& r1, const std::vector<MatrixRMd>& r2) {
    std::vector<ad::Mat<float>> r2f;
    for (const auto& r : r2) r2f.push_back(r.cast<float>());
    return double(s.problem.lossAndGrads(r1.cast<float>(), r2f, batch, o.batch, nullptr, nullptr));
  };
  const double before = loss(s.r1, s.r2);
  MatrixRMd r1 = s.r1;
  std::vector<MatrixRMd> r2 = s.r2;
  SpinQuantReport rep;
  trainSpinQuantRotations(
      s.problem, r1, r2, [&](int) { return batch; }, o, {}, &rep);
  const double after = loss(r1, r2);

  // The training loss is the loss of the model the pipeline then builds: R1/R2 folded, RTN
  // weights, per-token activations clipped at 0.9 behind the online R4 (core/model forward).
  auto modelLoss = [&](const MatrixRMd& a1, const std::vector<MatrixRMd>& a2, bool quant) {
    Model q(model->config(), model->weights(), model->sharedTokenizer());
    Rotations rot;
    rot.r1 = a1.cast<float>();
    for (const auto& r : a2) rot.r2.push_back(r.cast<float>());
    applyRotation(q.weights(), q.config(), rot);
    QuantSpec evalSpec = quant ? spec : QuantSpec{};
    applyRtn(q.weights(), evalSpec);
    if (evalSpec.act.enabled()) evalSpec.act.clip_ratio = o.act_clip_ratio;
    FakeQuantHooks act(evalSpec, q.config().num_layers);
    OnlineR4Hooks hooks(s.r4->order(), &act);
    const MatrixRM logits = q.forward(batch, o.batch, &hooks);
    double nll = 0;
    for (int b = 0; b < o.batch; ++b)
      for (int t = 0; t + 1 < o.seq_len; ++t) {
        const auto row = logits.row(b * o.seq_len + t).cast<double>();
        const double mx = row.maxCoeff();
        nll += mx + std::log((row.array() - mx).exp().sum()) -
               row(batch[std::size_t(b * o.seq_len + t + 1)]);
      }
    return nll / (o.batch * (o.seq_len - 1));
  };
  const double modelBefore = modelLoss(s.r1, s.r2, true), modelAfter = modelLoss(r1, r2, true);
  // Float network: the learned rotations fold exactly (the loss of the problem without
  // quantization equals the rotated float model's).
  const auto fpProblem = SpinQuantProblem<double>::fromModel(*model, QuantSpec{}, s.r4);
  std::vector<ad::Mat<double>> r2d(r2.begin(), r2.end());
  const double fpTrained = fpProblem.lossAndGrads(r1, r2d, batch, o.batch, nullptr, nullptr);
  const double fpModel = modelLoss(r1, r2, false);
  std::printf("float network at the learned rotations: problem %.6f, model %.6f\n", fpTrained,
              fpModel);
  EXPECT_NEAR(fpTrained, fpModel, 1e-4 * fpModel);
  std::printf("model forward: %.5f -> %.5f\n", modelBefore, modelAfter);
  // At the start point both are the same computation up to float rounding (which flips a few
  // roundings); after training the model must show the gain too (not only the training forward,
  // whose exact rounding pattern the steps have fitted).
  EXPECT_NEAR(modelBefore, before, 2e-3 * before);
  EXPECT_LT(modelAfter, modelBefore);
  std::printf("%s W4A4 fixed batch %d x %d: loss %.5f -> %.5f after %d steps; per step:",
              name.c_str(), o.batch, o.seq_len, before, after, o.steps);
  for (double l : rep.loss) std::printf(" %.5f", l);
  std::printf("\n  lr / alpha(R1):");
  for (std::size_t i = 0; i < rep.lr.size(); ++i)
    std::printf(" %.3g/%.3g", rep.lr[i], rep.alpha_r1[i]);
  std::printf("\n");
  ASSERT_EQ(rep.loss.size(), std::size_t(o.steps));
  // The recorded loss of step 0 is the same batch at the same rotations (with the backward).
  EXPECT_NEAR(rep.loss.front(), before, 1e-5 * before);
  EXPECT_LT(after, before);
  EXPECT_LT(orthoError(r1), 1e-8);
  for (const auto& r : r2) EXPECT_LT(orthoError(r), 1e-8);
  EXPECT_GT((r1 - s.r1).cwiseAbs().maxCoeff(), 1e-4) << "R1 did not move";
}

}  // namespace
