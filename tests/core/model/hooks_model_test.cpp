// The tap interface: every block's seven linear layers are reported in order with their real
// input and output; a hook that rewrites a linear's input changes the result exactly as doing the
// same to the weights would; observing hooks leave the logits bit-identical.
#include <gtest/gtest.h>

#include <vector>

#include "core/common/compute_threads.h"
#include "core/model/model.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

namespace {

struct Recorder : ForwardHooks {
  std::vector<LinearId> inputs, outputs;
  std::vector<int> blockIns, blockOuts;
  bool shapesOk = true;
  const Model* model = nullptr;
  void blockInput(int b, MatrixRM&) override { blockIns.push_back(b); }
  void blockOutput(int b, MatrixRM&) override { blockOuts.push_back(b); }
  void linearInput(const LinearId& id, MatrixRM& x) override {
    inputs.push_back(id);
    shapesOk &= x.cols() == model->weights().linear(id).in();
  }
  void linearOutput(const LinearId& id, const MatrixRM& x, MatrixRM& y) override {
    outputs.push_back(id);
    const Linear& l = model->weights().linear(id);
    shapesOk &= y.cols() == l.out() && y.rows() == x.rows();
    // y must be x·Wᵀ + b for the input the layer saw
    MatrixRM want = x * l.weight.transpose();
    if (l.bias.size()) want.rowwise() += l.bias.transpose();
    shapesOk &= (want - y).cwiseAbs().maxCoeff() <= 1e-4f * (1 + want.cwiseAbs().maxCoeff());
  }
  bool modifiesLinearInputs() const override { return false; }
};

TEST(Hooks, EveryLinearOfEveryBlockIsTappedInOrderWithItsTrueInputAndOutput) {
  setComputeThreads(2);
  auto model = Model::load(slmq::test::asset("models/qwen-ref"));  // has q/k/v biases
  const std::vector<int> ids = {5, 77, 1024, 9, 300, 12, 8000, 41};
  Recorder rec;
  rec.model = model.get();
  const MatrixRM plain = model->forward(ids, 2);
  const MatrixRM tapped = model->forward(ids, 2, &rec);
  EXPECT_EQ((plain - tapped).cwiseAbs().maxCoeff(), 0.0f);  // observing changes nothing
  const int L = model->config().num_layers;
  ASSERT_EQ(rec.inputs.size(), std::size_t(L) * kModuleCount);
  ASSERT_EQ(rec.outputs.size(), rec.inputs.size());
  EXPECT_TRUE(rec.shapesOk);
  std::vector<LinearId> order;
  for (int b = 0; b < L; ++b)
    for (Module m :
         {Module::Q, Module::K, Module::V, Module::O, Module::Gate, Module::Up, Module::Down})
      order.push_back({b, m});
  EXPECT_EQ(rec.inputs, order);
  EXPECT_EQ(rec.outputs, order);
  EXPECT_EQ(rec.blockIns.size(), std::size_t(L));
  EXPECT_EQ(rec.blockOuts.size(), std::size_t(L));
}

// Scaling the input of down_proj in block 1 by 2 equals doubling that layer's weights.
struct ScaleDownInput : ForwardHooks {
  void linearInput(const LinearId& id, MatrixRM& x) override {
    if (id == LinearId{1, Module::Down}) x *= 2.0f;
  }
};

TEST(Hooks, RewritingALinearInputEqualsRewritingItsWeights) {
  setComputeThreads(2);
  auto model = Model::load(slmq::test::asset("models/smol-ref"));
  const std::vector<int> ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  ScaleDownInput hook;
  const MatrixRM viaHook = model->forward(ids, 1, &hook);
  model->weights().linear({1, Module::Down}).weight *= 2.0f;
  const MatrixRM viaWeights = model->forward(ids);
  const MatrixRM original = [&] {
    model->weights().linear({1, Module::Down}).weight *= 0.5f;
    return model->forward(ids);
  }();
  EXPECT_LE((viaHook - viaWeights).cwiseAbs().maxCoeff(), 1e-5f * viaWeights.cwiseAbs().maxCoeff());
  EXPECT_GT((viaHook - original).cwiseAbs().maxCoeff(), 1e-2f);  // the hook did something
}

}  // namespace
