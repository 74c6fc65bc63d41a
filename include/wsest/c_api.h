/* wsest C ABI: for callers that cannot take C++ types across a library boundary (an execution
 * provider built with another compiler or standard library). Opaque handles, status codes with
 * messages, no exception ever escapes. Valid C99.
 *
 * Ownership: every *_create / estimate call that returns a handle through an out-parameter gives it
 * to the caller, who frees it with the matching *_free. Strings returned by accessors belong to
 * the handle they came from and live as long as it does. */
#ifndef WSEST_C_API_H_
#define WSEST_C_API_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a function is added; functions are never removed or changed. */
#define WSEST_C_API_VERSION 1

typedef enum wsest_status {
  WSEST_OK = 0,
  WSEST_INVALID_ARGUMENT = 1,
  WSEST_NOT_FOUND = 2,
  WSEST_OUT_OF_RANGE = 3,
  WSEST_FAILED_PRECONDITION = 4,
  WSEST_INTERNAL = 5
} wsest_status;

typedef enum wsest_exactness {
  WSEST_EXACT = 0,
  WSEST_UPPER_BOUND = 1,
  WSEST_HEURISTIC = 2,
  WSEST_UNKNOWN = 3
} wsest_exactness;

typedef struct wsest_error wsest_error;
typedef struct wsest_target wsest_target;
typedef struct wsest_node wsest_node;
typedef struct wsest_estimate wsest_estimate;
typedef struct wsest_model_estimate wsest_model_estimate;

/* Version of the library ("0.1.0"), of this ABI, and the ONNX Runtime release mirrored ("1.29.0"). */
const char* wsest_version(void);
int wsest_c_api_version(void);
const char* wsest_ep_release(void);

/* Errors: every call that can fail takes `wsest_error** error` (may be NULL); on failure it
 * returns the status and, when `error` is not NULL, stores an error the caller frees. */
wsest_status wsest_error_code(const wsest_error* error);
const char* wsest_error_message(const wsest_error* error);
void wsest_error_free(wsest_error* error);

/* Target: a device profile ("h100-sxm", ...; NULL for the default), provider options, ORT_* env. */
wsest_status wsest_target_create(const char* device_id, wsest_target** out, wsest_error** error);
wsest_status wsest_target_set_provider_option(wsest_target* target, const char* key, const char* value,
                                              wsest_error** error);
wsest_status wsest_target_set_env(wsest_target* target, const char* name, const char* value, wsest_error** error);
void wsest_target_free(wsest_target* target);

/* Node: built from the caller's own graph. domain "" (or "ai.onnx") for the ONNX domain; opset is
 * the model's opset import for that domain. */
wsest_status wsest_node_create(const char* name, const char* op_type, const char* domain, int opset, wsest_node** out,
                               wsest_error** error);
/* Appends an input or output. `name` NULL or "" marks an omitted optional input. `dtype` is an
 * onnx TensorProto.DataType value. `rank` -1 means the shape is unknown (dims ignored); a dim < 0
 * is unknown. `is_initializer` non-zero for weights. */
wsest_status wsest_node_add_input(wsest_node* node, const char* name, int32_t dtype, const int64_t* dims, int64_t rank,
                                  int is_initializer, wsest_error** error);
wsest_status wsest_node_add_output(wsest_node* node, const char* name, int32_t dtype, const int64_t* dims,
                                   int64_t rank, wsest_error** error);
/* The values of a small integer constant input (Reshape shape, TopK K, Reduce axes). */
wsest_status wsest_node_set_input_values(wsest_node* node, size_t input_index, const int64_t* values, size_t count,
                                         wsest_error** error);
wsest_status wsest_node_set_attribute_int(wsest_node* node, const char* name, int64_t value, wsest_error** error);
wsest_status wsest_node_set_attribute_float(wsest_node* node, const char* name, float value, wsest_error** error);
wsest_status wsest_node_set_attribute_string(wsest_node* node, const char* name, const char* value,
                                             wsest_error** error);
wsest_status wsest_node_set_attribute_ints(wsest_node* node, const char* name, const int64_t* values, size_t count,
                                           wsest_error** error);
wsest_status wsest_node_set_attribute_floats(wsest_node* node, const char* name, const float* values, size_t count,
                                             wsest_error** error);
void wsest_node_free(wsest_node* node);

/* One node's estimate. An op wsest does not model is WSEST_UNKNOWN with a reason, not an error. */
wsest_status wsest_estimate_node(const wsest_node* node, const wsest_target* target, wsest_estimate** out,
                                 wsest_error** error);
wsest_exactness wsest_estimate_exactness(const wsest_estimate* estimate);
/* Non-zero and *bytes set when the workspace is known; zero for WSEST_UNKNOWN. */
int wsest_estimate_bytes(const wsest_estimate* estimate, uint64_t* bytes);
const char* wsest_estimate_variant(const wsest_estimate* estimate);
const char* wsest_estimate_reason(const wsest_estimate* estimate);
size_t wsest_estimate_buffer_count(const wsest_estimate* estimate);
const char* wsest_estimate_buffer_name(const wsest_estimate* estimate, size_t index);
uint64_t wsest_estimate_buffer_bytes(const wsest_estimate* estimate, size_t index);
const char* wsest_estimate_buffer_source(const wsest_estimate* estimate, size_t index);
void wsest_estimate_free(wsest_estimate* estimate);

/* A whole model file: symbolic dims bound by name (dim_names[i] = dim_values[i]). */
wsest_status wsest_estimate_model_file(const char* path, const char* const* dim_names, const int64_t* dim_values,
                                       size_t dim_count, const wsest_target* target, wsest_model_estimate** out,
                                       wsest_error** error);
size_t wsest_model_estimate_node_count(const wsest_model_estimate* model);
const char* wsest_model_estimate_node_name(const wsest_model_estimate* model, size_t index);
const char* wsest_model_estimate_node_op_type(const wsest_model_estimate* model, size_t index);
/* Borrowed: lives as long as `model`; do not free. */
const wsest_estimate* wsest_model_estimate_node(const wsest_model_estimate* model, size_t index);
uint64_t wsest_model_estimate_workspace_max_bytes(const wsest_model_estimate* model);
uint64_t wsest_model_estimate_workspace_sum_bytes(const wsest_model_estimate* model);
/* The same JSON document as `wsest --json`; owned by `model`. */
const char* wsest_model_estimate_json(const wsest_model_estimate* model);
void wsest_model_estimate_free(wsest_model_estimate* model);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* WSEST_C_API_H_ */
