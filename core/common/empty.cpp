// Anchor translation unit for areas that have no sources yet and for the slmq_core umbrella.
namespace slmq::core::detail {
int anchor() {
  return 0;
}
}  // namespace slmq::core::detail
