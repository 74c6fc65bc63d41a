/* Compiled as strict C99 by the build: every declaration of the C ABI must parse as C. Also run
 * by nothing: linking is the consumer test's job (tests/package_test.sh). */
#include "wsest/c_api.h"

int wsest_c99_check_uses_every_type(void);

int wsest_c99_check_uses_every_type(void) {
  wsest_error* error = NULL;
  wsest_target* target = NULL;
  wsest_node* node = NULL;
  wsest_estimate* estimate = NULL;
  const int64_t dims[2] = {2, 3};
  uint64_t bytes = 0;
  wsest_status status = wsest_target_create(NULL, &target, &error);
  if (status != WSEST_OK) return (int)wsest_error_code(error);
  status = wsest_node_create("n", "Relu", "", 17, &node, &error);
  status = wsest_node_add_input(node, "x", 1, dims, 2, 0, &error);
  status = wsest_estimate_node(node, target, &estimate, &error);
  if (wsest_estimate_exactness(estimate) == WSEST_EXACT && wsest_estimate_bytes(estimate, &bytes)) status = WSEST_OK;
  wsest_estimate_free(estimate);
  wsest_node_free(node);
  wsest_target_free(target);
  wsest_error_free(error);
  return (int)status;
}
