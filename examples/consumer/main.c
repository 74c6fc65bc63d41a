/* Estimates one node through the C ABI of the installed shared library. */
#include <stdio.h>

#include "wsest/c_api.h"

int main(void) {
  wsest_error* error = NULL;
  wsest_target* target = NULL;
  wsest_node* node = NULL;
  wsest_estimate* estimate = NULL;
  const int64_t dims[4] = {8, 64, 56, 56};
  const int64_t channels[1] = {64};
  uint64_t bytes = 0;
  if (wsest_target_create("a100-80gb", &target, &error) != WSEST_OK) {
    fprintf(stderr, "%s\n", wsest_error_message(error));
    wsest_error_free(error);
    return 2;
  }
  wsest_node_create("bn", "BatchNormalization", "", 17, &node, NULL);
  wsest_node_add_input(node, "x", 10 /* float16 */, dims, 4, 0, NULL);
  wsest_node_add_input(node, "scale", 10, channels, 1, 1, NULL);
  wsest_node_add_input(node, "bias", 10, channels, 1, 1, NULL);
  wsest_node_add_input(node, "mean", 10, channels, 1, 1, NULL);
  wsest_node_add_input(node, "var", 10, channels, 1, 1, NULL);
  wsest_node_add_output(node, "y", 10, dims, 4, NULL);
  if (wsest_estimate_node(node, target, &estimate, &error) != WSEST_OK) {
    fprintf(stderr, "%s\n", wsest_error_message(error));
    wsest_error_free(error);
    return 2;
  }
  wsest_estimate_bytes(estimate, &bytes);
  printf("wsest %s (ORT %s): %s %llu bytes\n", wsest_version(), wsest_ep_release(), wsest_estimate_variant(estimate),
         (unsigned long long)bytes);
  wsest_estimate_free(estimate);
  wsest_node_free(node);
  wsest_target_free(target);
  return 0;
}
