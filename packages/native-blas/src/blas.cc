// sgemm on float32 views (typically into a WebAssembly.Memory, which the caller passes as
// Float32Array subarrays: no copy). Row-major, C[i] = op(A[i]) · op(B[i]) for i < batch, where
// A[i] starts at i·strideA elements (0 broadcasts one matrix to every product).
#include <node_api.h>

#include <cstdint>
#include <string>

#ifdef TUNELAB_ACCELERATE
#include <Accelerate/Accelerate.h>
static const char* kVendor = "Accelerate";
static void setThreads(int) {}
static int getThreads() { return 0; }
#else
#include <cblas.h>
// OpenBLAS exports these; declared weak so another CBLAS still links (threads then stay its own).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads(void) __attribute__((weak));
static const char* kVendor = "OpenBLAS";
static void setThreads(int n) {
  if (openblas_set_num_threads != nullptr) openblas_set_num_threads(n);
}
static int getThreads() { return openblas_get_num_threads != nullptr ? openblas_get_num_threads() : 0; }
#endif

namespace {

napi_value Throw(napi_env env, const std::string& message) {
  napi_throw_range_error(env, nullptr, message.c_str());
  return nullptr;
}

bool FloatView(napi_env env, napi_value v, float** data, size_t* length) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, v, &type, length, &raw, &buffer, &offset) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = static_cast<float*>(raw);
  return true;
}

bool Int(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

// sgemm(a, b, c, batch, m, n, k, transA, transB, strideA, strideB)
napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 11) return Throw(env, "sgemm: expected 11 arguments");
  float *a, *b, *c;
  size_t la, lb, lc;
  if (!FloatView(env, argv[0], &a, &la) || !FloatView(env, argv[1], &b, &lb) ||
      !FloatView(env, argv[2], &c, &lc)) {
    return Throw(env, "sgemm: a, b and c must be Float32Arrays");
  }
  int64_t batch, m, n, k, strideA, strideB;
  bool transA = false, transB = false;
  if (!Int(env, argv[3], &batch) || !Int(env, argv[4], &m) || !Int(env, argv[5], &n) ||
      !Int(env, argv[6], &k) || napi_get_value_bool(env, argv[7], &transA) != napi_ok ||
      napi_get_value_bool(env, argv[8], &transB) != napi_ok || !Int(env, argv[9], &strideA) ||
      !Int(env, argv[10], &strideB)) {
    return Throw(env, "sgemm: batch, m, n, k, strides must be numbers and transposes booleans");
  }
  if (batch < 0 || m < 0 || n < 0 || k < 0 || strideA < 0 || strideB < 0 || m > INT32_MAX ||
      n > INT32_MAX || k > INT32_MAX) {
    return Throw(env, "sgemm: sizes must be non-negative 32-bit integers");
  }
  if (batch == 0 || m == 0 || n == 0) return nullptr;
  const int64_t needA = (batch - 1) * strideA + m * k;
  const int64_t needB = (batch - 1) * strideB + k * n;
  const int64_t needC = batch * m * n;
  if (static_cast<int64_t>(la) < needA || static_cast<int64_t>(lb) < needB ||
      static_cast<int64_t>(lc) < needC) {
    return Throw(env, "sgemm: a view is shorter than the products need (a " + std::to_string(la) +
                          "/" + std::to_string(needA) + ", b " + std::to_string(lb) + "/" +
                          std::to_string(needB) + ", c " + std::to_string(lc) + "/" +
                          std::to_string(needC) + " floats)");
  }
  const int lda = static_cast<int>(transA ? m : k);
  const int ldb = static_cast<int>(transB ? k : n);
  const int ldc = static_cast<int>(n);
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a + i * strideA, lda,
                b + i * strideB, ldb, 0.0f, c + i * m * n, ldc);
  }
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int64_t n = 0;
  if (argc != 1 || !Int(env, argv[0], &n) || n < 1 || n > 1024) {
    return Throw(env, "setThreads: expected a thread count between 1 and 1024");
  }
  setThreads(static_cast<int>(n));
  return nullptr;
}

napi_value GetThreads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, getThreads(), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn, vendor;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, Sgemm, nullptr, &fn);
  napi_set_named_property(env, exports, "sgemm", fn);
  napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, SetThreads, nullptr, &fn);
  napi_set_named_property(env, exports, "setThreads", fn);
  napi_create_function(env, "getThreads", NAPI_AUTO_LENGTH, GetThreads, nullptr, &fn);
  napi_set_named_property(env, exports, "getThreads", fn);
  napi_create_string_utf8(env, kVendor, NAPI_AUTO_LENGTH, &vendor);
  napi_set_named_property(env, exports, "vendor", vendor);
  return exports;
}

}  // namespace

NAPI_MODULE_INIT() { return Init(env, exports); }
