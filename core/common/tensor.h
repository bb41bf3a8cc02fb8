// Eigen types used throughout core. Activations and weights are row-major float32:
// a matrix of activations is [tokens, features]; a linear layer's weight is [out, in].
#pragma once

#include <Eigen/Core>

namespace slmq::core {

using MatrixRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixRMd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using VectorF = Eigen::VectorXf;
using VectorD = Eigen::VectorXd;

}  // namespace slmq::core
