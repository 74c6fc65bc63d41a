// The C ABI: handles, status codes and messages, and the same numbers as the C++ API.
#include "wsest/c_api.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/test_graph.h"

namespace {

TEST(CApi, VersionsAreReported) {
  EXPECT_STREQ(wsest_ep_release(), "1.29.0");
  EXPECT_EQ(wsest_c_api_version(), WSEST_C_API_VERSION);
  EXPECT_STRNE(wsest_version(), "");
}

TEST(CApi, UnknownDeviceIsNotFoundWithAMessage) {
  wsest_target* target = nullptr;
  wsest_error* error = nullptr;
  EXPECT_EQ(wsest_target_create("h100-smx", &target, &error), WSEST_NOT_FOUND);
  EXPECT_EQ(target, nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(wsest_error_code(error), WSEST_NOT_FOUND);
  EXPECT_NE(std::string(wsest_error_message(error)).find("did you mean 'h100-sxm'?"), std::string::npos);
  wsest_error_free(error);
}

TEST(CApi, NullArgumentsAreErrorsNotCrashes) {
  wsest_error* error = nullptr;
  EXPECT_EQ(wsest_target_create(nullptr, nullptr, &error), WSEST_INVALID_ARGUMENT);
  EXPECT_STREQ(wsest_error_message(error), "out is NULL");
  wsest_error_free(error);
  EXPECT_EQ(wsest_estimate_node(nullptr, nullptr, nullptr, nullptr), WSEST_INVALID_ARGUMENT);  // error may be NULL
  EXPECT_EQ(wsest_node_add_input(nullptr, "x", 1, nullptr, 0, 0, nullptr), WSEST_INVALID_ARGUMENT);
  wsest_node* node = nullptr;
  EXPECT_EQ(wsest_node_create("n", "", "", 17, &node, nullptr), WSEST_INVALID_ARGUMENT);
  EXPECT_EQ(node, nullptr);
}

TEST(CApi, BadProviderOptionIsInvalidArgument) {
  wsest_target* target = nullptr;
  ASSERT_EQ(wsest_target_create(nullptr, &target, nullptr), WSEST_OK);
  wsest_error* error = nullptr;
  EXPECT_EQ(wsest_target_set_provider_option(target, "sdpa_kernal", "1", &error), WSEST_INVALID_ARGUMENT);
  EXPECT_STREQ(wsest_error_message(error), "unknown CUDA EP provider option 'sdpa_kernal'; did you mean 'sdpa_kernel'?");
  wsest_error_free(error);
  EXPECT_EQ(wsest_target_set_provider_option(target, "sdpa_kernel", "1", nullptr), WSEST_OK);
  wsest_target_free(target);
}

TEST(CApi, EstimatesANodeWithBuffers) {
  wsest_target* target = nullptr;
  ASSERT_EQ(wsest_target_create("a100-80gb", &target, nullptr), WSEST_OK);
  wsest_node* node = nullptr;
  ASSERT_EQ(wsest_node_create("in", "InstanceNormalization", "", 17, &node, nullptr), WSEST_OK);
  const int64_t x[4] = {2, 32, 16, 16};
  const int64_t c[1] = {32};
  ASSERT_EQ(wsest_node_add_input(node, "x", 1, x, 4, 0, nullptr), WSEST_OK);
  ASSERT_EQ(wsest_node_add_input(node, "scale", 1, c, 1, 1, nullptr), WSEST_OK);
  ASSERT_EQ(wsest_node_add_input(node, "bias", 1, c, 1, 1, nullptr), WSEST_OK);
  ASSERT_EQ(wsest_node_add_output(node, "y", 1, x, 4, nullptr), WSEST_OK);
  wsest_estimate* estimate = nullptr;
  ASSERT_EQ(wsest_estimate_node(node, target, &estimate, nullptr), WSEST_OK);
  EXPECT_EQ(wsest_estimate_exactness(estimate), WSEST_EXACT);
  uint64_t bytes = 0;
  ASSERT_EQ(wsest_estimate_bytes(estimate, &bytes), 1);
  // float, N = 2 > 1: mean, variance, unused scale and bias, each N*C fp32 =
  // 4 buffers * 2 * 32 * 4 bytes = 1024 (onnxruntime core/providers/cuda/nn/instance_norm.cc).
  EXPECT_EQ(bytes, 1024u);
  ASSERT_EQ(wsest_estimate_buffer_count(estimate), 4u);
  EXPECT_EQ(wsest_estimate_buffer_bytes(estimate, 0), 256u);
  EXPECT_NE(std::string(wsest_estimate_buffer_source(estimate, 0)).find("instance_norm.cc"), std::string::npos);
  EXPECT_STREQ(wsest_estimate_buffer_name(estimate, 99), "");  // out of range: empty, not a crash
  wsest_estimate_free(estimate);
  wsest_node_free(node);
  wsest_target_free(target);
}

TEST(CApi, UnknownOpIsUnknownNotAnError) {
  wsest_node* node = nullptr;
  ASSERT_EQ(wsest_node_create("m", "Mystery", "com.example", 1, &node, nullptr), WSEST_OK);
  wsest_estimate* estimate = nullptr;
  ASSERT_EQ(wsest_estimate_node(node, nullptr, &estimate, nullptr), WSEST_OK);
  EXPECT_EQ(wsest_estimate_exactness(estimate), WSEST_UNKNOWN);
  uint64_t bytes = 7;
  EXPECT_EQ(wsest_estimate_bytes(estimate, &bytes), 0);
  EXPECT_EQ(bytes, 7u);
  wsest_estimate_free(estimate);
  wsest_node_free(node);
}

TEST(CApi, ModelFileErrorsAndJson) {
  wsest_model_estimate* model = nullptr;
  wsest_error* error = nullptr;
  EXPECT_EQ(wsest_estimate_model_file("/nonexistent.onnx", nullptr, nullptr, 0, nullptr, &model, &error),
            WSEST_NOT_FOUND);
  EXPECT_STREQ(wsest_error_message(error), "/nonexistent.onnx: no such file");
  wsest_error_free(error);

  wsest::testing::GraphBuilder g;
  g.Input("x", onnx::TensorProto::FLOAT, {"batch", 4}).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "act");
  const auto path = g.SaveTo(wsest::testing::TempDir("c_api_model") + "/m.onnx");
  const char* names[] = {"batch"};
  const int64_t values[] = {3};
  error = nullptr;
  EXPECT_EQ(wsest_estimate_model_file(path.c_str(), nullptr, nullptr, 0, nullptr, &model, &error),
            WSEST_FAILED_PRECONDITION);
  wsest_error_free(error);
  ASSERT_EQ(wsest_estimate_model_file(path.c_str(), names, values, 1, nullptr, &model, nullptr), WSEST_OK);
  ASSERT_EQ(wsest_model_estimate_node_count(model), 1u);
  EXPECT_STREQ(wsest_model_estimate_node_name(model, 0), "act");
  EXPECT_STREQ(wsest_model_estimate_node_op_type(model, 0), "Relu");
  EXPECT_EQ(wsest_estimate_exactness(wsest_model_estimate_node(model, 0)), WSEST_EXACT);
  EXPECT_EQ(wsest_model_estimate_node(model, 5), nullptr);
  EXPECT_NE(std::string(wsest_model_estimate_json(model)).find("\"op_type\": \"Relu\""), std::string::npos);
  wsest_model_estimate_free(model);
}

}  // namespace
