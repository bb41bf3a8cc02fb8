// The slmq_core umbrella library: links every core area (see core/CMakeLists.txt).
namespace slmq::core::detail {
int coreAnchor() {
  return 0;
}
}  // namespace slmq::core::detail
